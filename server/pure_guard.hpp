// Force-included (-include) into the pure libraries: vk_foundation (server/core) and every job kind's model
// (server/<kind>/model). Pure code decides and does no I/O, so the names of the I/O libraries are poisoned:
// including Asio or Beast there fails to compile with "attempt to use poisoned". The coroutine shells that
// perform a model's decisions live one folder up, in vk_core.
#pragma GCC poison asio beast awaitable co_await co_return
