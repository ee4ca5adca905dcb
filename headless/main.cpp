// salesim: the headless command line. Each command family registers itself from its own
// headless/cmd_*.cpp; no model logic lives here. docs/cli.md has every command with an example.
#include <fmt/format.h>

#include "headless/cli_common.hpp"
#include "sim/output.hpp"

using namespace salesim;
using namespace salesim::cli;

int main(int argc, char** argv) {
  CLI::App app{"salesim: an agent-based sandbox for sales strategies (docs/cli.md)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(kVersion));
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);

  Runner selected;
  add_run_commands(app, selected, command_line);
  add_history_commands(app, selected, command_line);
  add_bench_commands(app, selected, command_line);
  add_incentive_commands(app, selected, command_line);
  add_batch_commands(app, selected, command_line);
  add_replay_commands(app, selected, command_line);
  add_exercise_commands(app, selected, command_line);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  try {
    return selected ? selected() : kExitOk;
  } catch (const BadInput& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "salesim: internal error: {}\n", e.what());
    return kExitInternal;
  }
}
