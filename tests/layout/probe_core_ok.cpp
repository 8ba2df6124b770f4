// Allowed: core sees itself.
#include "core/config.hpp"
#include "core/log.hpp"
