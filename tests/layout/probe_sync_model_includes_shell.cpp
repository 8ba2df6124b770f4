// Forbidden: the model may not see the coroutine shells of its kind.
#include "sync/origin_walk.hpp"
