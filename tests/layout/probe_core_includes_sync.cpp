// Forbidden: core is below every job kind.
#include "sync/model/insight.hpp"
