// Runs a comparison through the guard and prints the report: shared by the
// check command and the hooks.
#pragma once

#include <ostream>

#include "check/compare.h"
#include "cli/report.h"
#include "cli/session.h"

namespace kg::cli {

// Prints the report (JSON with --json) on `os` and returns the exit code:
// kOk when nothing blocks, kFindings when an error finding exists.
int run_comparison(Session& s, Comparison& c, bool strict, const RenderOptions& render,
                   std::ostream& os, bool color);

}  // namespace kg::cli
