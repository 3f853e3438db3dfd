// KABSD_GUARD_CROSSCHECK=1: every read-only command computes its answer on
// both implementations, the cached one (the claim index, the parse cache,
// the folder listings and the fast comparisons built on them) and the full
// one (KABSD_GUARD_NO_CACHE=1: every snapshot scanned whole), and on any
// difference in output or exit code exits 70 with both answers. The suite
// runs every end-to-end test once with it on (./install.sh --test), so a
// fast path can never answer what the full path would not.
#pragma once

#include <string>
#include <vector>

namespace kg::cli {

// Whether this run should be cross-checked: the variable is set to 1 and
// the command only reads (check, status, the pre-* hooks, renumber
// --dry-run). Commands that write (reserve, sync, renumber, install, the
// post-* hooks) run once, as without it.
bool crosscheck_wanted(const std::vector<std::string>& args);

// Runs this binary twice with `args` (the same standard input for both),
// compares, and replays the first run's output and exit code; exits 70
// with both answers when they differ.
int run_crosschecked(const std::vector<std::string>& args);

}  // namespace kg::cli
