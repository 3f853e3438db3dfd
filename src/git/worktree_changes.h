// The first pass of `git status`, done on our own index reader: which files
// of the working tree may differ from the index, judged by stat data alone,
// so that only those need reading.
#pragma once

#include <string>
#include <vector>

#include "git/index_file.h"
#include "git/view.h"

namespace kg {

// Files below `dirs` (repository-relative folders) that may differ from the
// index: regular files that the index does not have, or whose stat data
// (size, mtime, ctime, inode, executable bit) differs from their stage-0
// entry, or that are racily clean (modified in the same second the index
// was written, or later); and the index's regular files that the working
// tree no longer has as regular files (deleted, or replaced by a folder or
// symlink), except skip-worktree entries (a sparse checkout keeps them out
// on purpose). Folders `skip_dir` accepts are pruned; untracked symlinks are
// not listed. Sorted by path. Reads no file contents.
//
// `listings_path` names a file that keeps folder listings between runs
// (git/dir_listings): a folder whose stat data is unchanged is not read
// again. Empty: every folder is read.
std::vector<std::string> worktree_changes(const std::string& workdir, const IndexFile& index,
                                          const std::vector<std::string>& dirs, const View::SkipDir& skip_dir,
                                          const std::string& listings_path = {});

}  // namespace kg
