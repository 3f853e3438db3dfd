// Which engine answered: libgit2 is the primary reader, the git binary the
// fallback (git_process.h). Every fallback is recorded here, once per
// distinct note, so `--verbose` can say what git read and why; nothing
// falls back silently.
#pragma once

#include <string>
#include <vector>

namespace kg {

// Records that git, not libgit2, answered (thread-safe; duplicates kept once).
void note_engine(const std::string& note);
// The notes so far, in the order first recorded.
std::vector<std::string> engine_notes();

}  // namespace kg
