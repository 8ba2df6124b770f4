// A stored snapshot decrypted, hashed and verified as it streams (see stored_stream.hpp).
#include "snapshot/model/stored_stream.hpp"

namespace vk::snapshot {

stored_stream::stored_stream(std::shared_ptr<const cms_recipient> recipient, bool verify)
{
    if (recipient)
        decryptor_.emplace(std::move(recipient));
    if (verify)
        verifier_.emplace();
}

result<std::string_view> stored_stream::feed(std::string_view stored)
{
    stored_sha_.update(stored);
    sum_.stored_bytes += stored.size();
    if (!decryptor_)
        return pass_on(stored);
    plain_.clear();
    if (auto r = decryptor_->feed(stored, plain_); !r)
        return r.error();
    return pass_on(plain_);
}

result<std::string_view> stored_stream::finish()
{
    plain_.clear();
    if (decryptor_)
        if (auto r = decryptor_->finish(plain_); !r)
            return r.error();
    auto last = pass_on(plain_);
    if (!last)
        return last;
    if (verifier_)
    {
        auto archive = verifier_->finish();
        if (!archive)
            return archive.error();
        sum_.archive = *archive;
    }
    sum_.stored_sha256 = stored_sha_.hex_digest();
    sum_.plain_sha256 = plain_sha_.hex_digest();
    return last;
}

result<std::string_view> stored_stream::pass_on(std::string_view plain)
{
    plain_sha_.update(plain);
    sum_.plain_bytes += plain.size();
    if (verifier_)
        if (auto r = verifier_->feed(plain); !r)
            return r.error();
    return plain;
}

}  // namespace vk::snapshot
