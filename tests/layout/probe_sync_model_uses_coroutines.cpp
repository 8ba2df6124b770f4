// Forbidden: the model does not suspend.
#include "sync/model/insight.hpp"
struct task;
task f() { co_return; }
