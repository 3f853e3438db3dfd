#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/exit_codes.h"

namespace kg::cli {

int run(int argc, char** argv) {
  CLI::App app{"kabsd-guard: keeps the IDs of file-based backlogs unique"};
  app.set_version_flag("--version", "kabsd-guard 0.1.0");
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
  }
  return kOk;
}

}  // namespace kg::cli
