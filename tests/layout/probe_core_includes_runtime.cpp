// Forbidden: core is below the runtime.
#include "runtime/job.hpp"
