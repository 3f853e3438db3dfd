// The index as the git binary reads it, for the formats libgit2 1.5 refuses:
// a split index (`link` extension, core.splitIndex) and a sparse index
// (`sdir`, `git sparse-checkout init --sparse-index`). `git ls-files --stage
// -t -z` lists every entry (a sparse index expanded), and the entries
// become an in-memory libgit2 index, so every reader of the index works
// unchanged. Stat data is not copied: libgit2's status then compares
// contents, which gives the same answer.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "git/git_process.h"
#include "git/handles.h"

namespace kg {

// Whether libgit2's error reading an index is one git may not share:
// an unsupported mandatory extension.
bool index_needs_git(std::string_view libgit2_message);

// The index at `where`, read by git. Throws GitError naming git's reason.
// `id`, when given, turns each entry's object id (hex) and mode into the
// id the index gets (a sha256 repository's SHA-1 mirror, sha1_mirror.h).
using IndexIdMap = std::function<git_oid(std::string_view hex, uint32_t mode)>;
IndexPtr read_index_with_git(const GitLocation& where, const IndexIdMap& id = {});

}  // namespace kg
