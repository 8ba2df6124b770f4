// vaultkeeper-test: the daemon as shipped plus the "test" job kind, for the integration tests of the runtime
// (deadlines, halt, trigger, fatal errors, shutdown). The production binary never contains the test kind.
#include "app/cli.hpp"
#include "app/kinds.hpp"
#include "test_kind.hpp"

int main(int argc, char** argv)
{
    auto kinds = vk::app::known_kinds();
    kinds.push_back(vk::runtime::make_test_kind());
    return vk::app::run_cli(argc, argv, std::move(kinds));
}
