// vaultkeeper: the command line over the production job kinds.
#include "app/cli.hpp"
#include "app/kinds.hpp"

int main(int argc, char** argv)
{
    return vk::app::run_cli(argc, argv, vk::app::known_kinds());
}
