// The subcommands. Each `add_*` declares its options on `app` and returns
// the action that runs it once the command line is parsed.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "cli/context.h"

namespace kg::cli {

using Action = std::function<int(const Globals&)>;

Action add_reserve(CLI::App& app);
Action add_sync(CLI::App& app);
Action add_status(CLI::App& app);
Action add_renumber(CLI::App& app);
Action add_install(CLI::App& app);
Action add_uninstall(CLI::App& app);
Action add_check(CLI::App& app);
Action add_hook(CLI::App& app);

}  // namespace kg::cli
