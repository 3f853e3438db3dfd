// Staging changes in the index git uses (GIT_INDEX_FILE honoured), as the
// git commands would: for `renumber`, which renames and rewrites files in
// the working tree and then stages them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "git/handles.h"
#include "git/repo.h"

namespace kg {

class IndexEdit {
 public:
  // Loads the current index of `repo`, which must have a working tree and
  // outlive the edit. Nothing is written before write().
  explicit IndexEdit(const Repo& repo);

  // `git mv OLD NEW` + `git add NEW` for a file already moved (and possibly
  // modified) in the working tree: drops OLD's entries (every stage) and
  // stages NEW from the working tree (filters such as autocrlf applied).
  // Throws GitError when OLD is not in the index or NEW cannot be read.
  void rename(std::string_view old_path, std::string_view new_path);
  // `git add PATH` for one existing working-tree file.
  void add(std::string_view path);
  // `git rm --cached PATH`: drops its entries (every stage), if any.
  void remove(std::string_view path);
  // Writes the index file (under its lock file, as git does). While
  // another git command holds index.lock it waits a little and tries again,
  // then fails naming the lock file. An index libgit2 1.5 cannot write (a
  // split or sparse index, read through git) is updated by
  // `git update-index` with the paths staged here.
  void write();

  git_index* raw() const { return index_.get(); }

 private:
  const Repo* repo_;
  IndexPtr index_;
  std::vector<std::string> touched_;  // paths added or removed, for git update-index
};

}  // namespace kg
