// Runs a comparison through the guard and prints the report: shared by the
// check command and the hooks.
#pragma once

#include <ostream>

#include "check/compare.h"
#include "check/snapshot.h"
#include "cli/report.h"
#include "cli/session.h"

namespace kg::cli {

// Prints the report (JSON with --json) on `os` and returns the exit code:
// kOk when nothing blocks, kFindings when an error finding exists.
int run_comparison(Session& s, Comparison& c, bool strict, const RenderOptions& render,
                   std::ostream& os, bool color);

// For the pre-* hooks: `now` against `base` compared with Engine::Quick.
// When nothing blocks in a comparison that is not Whole, its warnings are
// printed on stderr (text, with `render`) and nullopt is returned; otherwise
// the comparison to report with run_comparison: that one, or when it holds
// only the items near the change (Coverage::Nearby), a scan's.
std::optional<Comparison> quick_comparison(Session& s, const SnapshotSpec& now, const std::optional<SnapshotSpec>& base,
                                           const RenderOptions& render);

}  // namespace kg::cli
