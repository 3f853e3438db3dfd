// The files that differ between two trees, by git's own plumbing
// (`git diff-tree -r -z --no-renames` through git_process.h, which skips
// every subtree whose id is the same on both sides; libgit2 1.5's tree diff
// does not, and is 2x slower on a post-merge), as Delta records
// (index_delta.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "git/index_delta.h"
#include "git/object.h"
#include "git/repo.h"

namespace kg {

// Files (regular, executable, symlink; not gitlinks) that differ between two
// trees below `prefixes` (literal folder or file paths, as with
// GIT_DIFF_DISABLE_PATHSPEC_MATCH; empty = the whole tree), as
// `git diff-tree -r --no-renames` lists them (it is that): a file that becomes a symlink
// (or the reverse) is one record; a gitlink side is absent (zero oid, mode
// 0). A missing tree is the empty tree. Sorted by path.
std::vector<Delta> tree_delta(const Repo& repo, const std::optional<Tree>& old_tree,
                              const std::optional<Tree>& new_tree,
                              const std::vector<std::string>& prefixes);

}  // namespace kg
