// A View over a git index: the staged snapshot, or an in-memory merge
// result. Stage-0 entries are listed; a conflicted path is listed once per
// side, as its stage 2 ("ours") and stage 3 ("theirs") entries (the common
// ancestor, stage 1, is not). Intent-to-add entries and submodules are not
// files and are not listed.
#pragma once

#include <string>
#include <string_view>

#include "git/handles.h"
#include "git/repo.h"
#include "git/view.h"

namespace kg {

class IndexView : public View {
 public:
  // `repo` (whose object database holds the blobs) must outlive the view.
  IndexView(const Repo& repo, IndexPtr index);
  // The index git would use now (Repo::index()).
  explicit IndexView(const Repo& repo);

  git_index* raw() const { return index_.get(); }
  bool has_conflicts() const { return git_index_has_conflicts(index_.get()) == 1; }
  // Whether any listed entry has the skip-worktree bit (a sparse checkout).
  bool has_skip_worktree() const { return has_skip_worktree_; }
  // The listed entry at `path` when it has the skip-worktree bit.
  std::optional<FileEntry> skip_worktree_entry(std::string_view path) const;

  void walk(std::string_view dir, const SkipDir& skip_dir, const Visit& visit) const override;
  using View::walk;
  std::vector<std::string> list_dirs(std::string_view dir) const override;
  bool exists(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  // For a conflicted path: the "ours" side when there is one, else "theirs".
  std::optional<std::string> read(std::string_view path, size_t max_bytes) const override;
  std::string read(const FileEntry& entry) const override;
  std::string read_prefix(const FileEntry& entry, size_t max_bytes) const override;
  std::vector<size_t> read_order(const std::vector<git_oid>& oids) const override;

 private:
  // Calls `fn` on every listed entry whose path starts with `prefix`, in
  // index order, until it returns true.
  template <typename Fn>
  void scan(std::string_view prefix, Fn&& fn) const;
  size_t lower_bound(std::string_view path) const;
  const git_index_entry* file_at(std::string_view path) const;
  FileEntry to_file(const git_index_entry& entry) const;

  const Repo* repo_;
  IndexPtr index_;
  OdbPtr odb_;
  bool has_skip_worktree_ = false;
};

}  // namespace kg
