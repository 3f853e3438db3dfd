// The command line: global options and the subcommands.
#pragma once

namespace kg::cli {

int run(int argc, char** argv);

}  // namespace kg::cli
