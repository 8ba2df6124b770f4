// Allowed: a sync model file sees core/ and sync/model/.
#include "core/error.hpp"
#include "sync/model/diff.hpp"
#include "sync/model/settings.hpp"
