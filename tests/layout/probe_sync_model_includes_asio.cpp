// Forbidden: the model does no I/O.
#include <boost/asio/steady_timer.hpp>
