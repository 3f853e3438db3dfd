// Which paths changed between two snapshots, with rename detection,
// restricted to path prefixes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "git/index_view.h"
#include "git/object.h"
#include "git/repo.h"

namespace kg {

struct Change {
  enum class Status { Added, Deleted, Modified, Renamed, Conflicted };
  Status status = Status::Modified;
  std::string old_path;  // == new_path unless renamed; the path for added/deleted
  std::string new_path;
};

struct DiffOptions {
  // Literal path prefixes ("_kano/backlog" covers everything below it); no
  // glob patterns. Empty: the whole tree.
  std::vector<std::string> paths;
  bool find_renames = true;
  // Working-tree diffs: list untracked (not ignored) files as added.
  bool include_untracked = false;
  // Working-tree diffs: list ignored files as added too.
  bool include_ignored = false;
};

// In every function a missing old tree (unborn HEAD) is the empty tree.
// A type change (file <-> symlink) is reported as Modified.
std::vector<Change> diff_trees(const Repo& repo, const std::optional<Tree>& old_tree,
                               const std::optional<Tree>& new_tree, const DiffOptions& options);
// Tree to an index, e.g. HEAD to what is staged, or a base to a merge
// result. A conflicted path is reported as Conflicted.
std::vector<Change> diff_tree_to_index(const Repo& repo, const std::optional<Tree>& old_tree,
                                       const IndexView& index, const DiffOptions& options);
// Tree to the working tree as `git diff <tree>` sees it (through the index
// git would use, so unchanged files are not re-read).
// The index git would use to the working tree, as `git status` sees it
// (stat data first, so unchanged files are not read).
std::vector<Change> diff_index_to_workdir(const Repo& repo, const DiffOptions& options);
std::vector<Change> diff_tree_to_workdir(const Repo& repo, const std::optional<Tree>& old_tree,
                                         const DiffOptions& options);

}  // namespace kg
