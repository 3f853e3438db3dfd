// The working tree as `git status` sees it: for a file whose stat data says
// it is unchanged, the index entry (with its blob id, so results cached by
// object id apply); for a changed, untracked or ignored file, the file
// itself. Listing the same files as a WorkdirView, it reads only what changed.
//
// An index entry with the skip-worktree bit (a sparse checkout) is
// unchanged, as git sees it: present with its index content whether or not
// a file is on disk there, and its folders exist.
#pragma once

#include <optional>
#include <set>

#include "git/index_view.h"
#include "git/repo.h"
#include "git/workdir_view.h"

namespace kg {

class StatusView : public View {
 public:
  // `repo` must outlive the view. `paths`: the folders that will be walked
  // (the status is computed for them only, at the first walk); empty:
  // everything.
  StatusView(const Repo& repo, const std::vector<std::string>& paths);
  // The folders to be walked, when known only after the view was made
  // (before the first walk).
  void set_paths(const std::vector<std::string>& paths) { paths_ = paths; }

  std::vector<std::pair<std::string, std::string>> unreadable_dirs() const override {
    return files_.unreadable_dirs();
  }
  void walk(std::string_view dir, const SkipDir& skip_dir, const Visit& visit) const override;
  using View::walk;
  std::vector<std::string> list_dirs(std::string_view dir) const override;
  bool exists(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  std::optional<std::string> read(std::string_view path, size_t max_bytes) const override;
  std::string read(const FileEntry& entry) const override;
  std::string read_prefix(const FileEntry& entry, size_t max_bytes) const override;
  std::vector<size_t> read_order(const std::vector<git_oid>& oids) const override;

 private:
  struct Status {
    std::set<std::string> changed;  // modified, deleted or conflicted in the index
    std::vector<std::string> added; // untracked or ignored files
  };
  const Status& status() const;
  // The skip-worktree folders directly below `dir` (sparse checkouts only).
  std::vector<std::string> sparse_dirs(std::string_view dir) const;

  const Repo* repo_;
  std::vector<std::string> paths_;
  IndexView index_;
  WorkdirView files_;
  mutable std::optional<Status> status_;
};

}  // namespace kg
