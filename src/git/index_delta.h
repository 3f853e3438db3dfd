// The files that differ between a tree and an index file, loading only the
// folders that can differ: a folder whose cache-tree id equals the tree's
// subtree id is never read. No rename detection, no content diff. (The
// tree-to-tree counterpart, tree_delta.h, is libgit2's diff.)
#pragma once

#include <git2.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "git/index_file.h"
#include "git/object.h"
#include "git/repo.h"

namespace kg {

// One path that differs; an absent side has a zero oid and mode 0.
struct Delta {
  std::string path;
  git_oid old_oid{}, new_oid{};
  uint32_t old_mode = 0, new_mode = 0;
  int stage = 0;  // > 0: a conflicted index entry (the new side)
};

// True for a regular or executable file's mode (not a symlink or gitlink).
inline bool is_regular_file_mode(uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

// Literal path prefixes without slashes at the ends, without those inside
// another, sorted; {""} for the whole tree (also when `prefixes` is empty).
std::vector<std::string> normalize_prefixes(const std::vector<std::string>& prefixes);

// The index's files against `tree` (old side), as `git diff --cached` sees
// them, below `prefixes` (literal folder or file paths; empty = the whole
// tree): stage-0 entries; a conflicted path once per stage > 0 entry, with
// `stage` set (the old side is the tree's file, if any); intent-to-add
// entries and gitlinks are not files. Every folder whose cache-tree id
// equals the tree's subtree id is skipped. Sorted by path, then stage.
std::vector<Delta> index_delta(const Repo& repo, const std::optional<Tree>& tree,
                               const IndexFile& index, const std::vector<std::string>& prefixes);

}  // namespace kg
