// Shamir secret sharing over GF(2^8) (AES field polynomial x^8+x^4+x^3+x+1), wire-compatible with Vault.
#include "shamir.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>

namespace vsim::shamir {
namespace {

// Carry-less multiply reduced by 0x11B, without data-dependent branches (as Vault's constant-time mult).
std::uint8_t mult(std::uint8_t a, std::uint8_t b)
{
    std::uint8_t r = 0;
    for (int i = 7; i >= 0; --i)
    {
        const std::uint8_t bit = static_cast<std::uint8_t>(-((b >> i) & 1));
        const std::uint8_t carry = static_cast<std::uint8_t>(-(r >> 7));
        r = static_cast<std::uint8_t>((bit & a) ^ (carry & 0x1B) ^ static_cast<std::uint8_t>(r + r));
    }
    return r;
}

// a^254 is the multiplicative inverse in GF(2^8).
std::uint8_t inverse(std::uint8_t a)
{
    std::uint8_t result = 1;
    std::uint8_t base = a;
    for (int e = 254; e > 0; e >>= 1)
    {
        if (e & 1)
            result = mult(result, base);
        base = mult(base, base);
    }
    return result;
}

std::uint8_t div(std::uint8_t a, std::uint8_t b)
{
    return mult(a, inverse(b));
}

void random_fill(std::uint8_t* p, std::size_t n)
{
    if (n > 0 && RAND_bytes(p, static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed");
}

// Horner evaluation of coefficients (intercept first) at x.
std::uint8_t evaluate(const bytes& coeffs, std::uint8_t x)
{
    std::uint8_t out = coeffs.back();
    for (auto i = coeffs.size() - 1; i-- > 0;)
        out = static_cast<std::uint8_t>(mult(out, x) ^ coeffs[i]);
    return out;
}

// Random polynomial of the given degree with the intercept fixed and a non-zero leading coefficient.
bytes make_polynomial(std::uint8_t intercept, int degree)
{
    bytes coeffs(static_cast<std::size_t>(degree) + 1, 0);
    coeffs[0] = intercept;
    while (coeffs.back() == 0)
        random_fill(coeffs.data() + 1, coeffs.size() - 1);
    return coeffs;
}

// Distinct x coordinates 1..255 in random order (Vault shuffles them so share order reveals nothing).
std::array<std::uint8_t, 255> random_x_coordinates()
{
    std::array<std::uint8_t, 255> xs{};
    std::iota(xs.begin(), xs.end(), std::uint8_t{1});
    for (std::size_t i = xs.size() - 1; i > 0; --i)
    {
        std::uint32_t r = 0;
        random_fill(reinterpret_cast<std::uint8_t*>(&r), sizeof r);
        std::swap(xs[i], xs[r % (i + 1)]);
    }
    return xs;
}

std::uint8_t interpolate_at_zero(const bytes& xs, const bytes& ys)
{
    std::uint8_t result = 0;
    for (std::size_t i = 0; i < xs.size(); ++i)
    {
        std::uint8_t basis = 1;
        for (std::size_t j = 0; j < xs.size(); ++j)
            if (i != j)
                basis = mult(basis, div(xs[j], static_cast<std::uint8_t>(xs[i] ^ xs[j])));
        result ^= mult(ys[i], basis);
    }
    return result;
}

}  // namespace

std::variant<std::vector<bytes>, std::string> split(const bytes& secret, int parts, int threshold)
{
    if (parts < threshold)
        return std::string{"parts cannot be less than threshold"};
    if (parts > 255)
        return std::string{"parts cannot exceed 255"};
    if (threshold < 2)
        return std::string{"threshold must be at least 2"};
    if (threshold > 255)
        return std::string{"threshold cannot exceed 255"};
    if (secret.empty())
        return std::string{"cannot split an empty secret"};

    const auto xs = random_x_coordinates();
    std::vector<bytes> out(static_cast<std::size_t>(parts), bytes(secret.size() + 1));
    for (std::size_t p = 0; p < out.size(); ++p)
        out[p].back() = xs[p];
    for (std::size_t idx = 0; idx < secret.size(); ++idx)
    {
        const auto poly = make_polynomial(secret[idx], threshold - 1);
        for (auto& share : out)
            share[idx] = evaluate(poly, share.back());
    }
    return out;
}

std::variant<bytes, std::string> combine(const std::vector<bytes>& parts)
{
    if (parts.size() < 2)
        return std::string{"less than two parts cannot be used to reconstruct the secret"};
    const auto len = parts[0].size();
    if (len < 2)
        return std::string{"parts must be at least two bytes"};
    bytes xs;
    for (const auto& part : parts)
    {
        if (part.size() != len)
            return std::string{"all parts must be the same length"};
        if (std::find(xs.begin(), xs.end(), part.back()) != xs.end())
            return std::string{"duplicate part detected"};
        xs.push_back(part.back());
    }
    bytes secret(len - 1);
    bytes ys(parts.size());
    for (std::size_t idx = 0; idx < secret.size(); ++idx)
    {
        for (std::size_t i = 0; i < parts.size(); ++i)
            ys[i] = parts[i][idx];
        secret[idx] = interpolate_at_zero(xs, ys);
    }
    return secret;
}

}  // namespace vsim::shamir
