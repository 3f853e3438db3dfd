// A View over a git tree (a commit's snapshot). Only the subtrees a call
// names are loaded, so scanning a small folder of a huge monorepo is cheap.
// Submodules (gitlinks) are not files and are not listed.
#pragma once

#include "git/handles.h"
#include "git/object.h"
#include "git/repo.h"
#include "git/view.h"

namespace kg {

class TreeView : public View {
 public:
  // `repo` must outlive the view.
  TreeView(const Repo& repo, Tree tree);

  const Tree& tree() const { return tree_; }

  void walk(std::string_view dir, const SkipDir& skip_dir, const Visit& visit) const override;
  using View::walk;
  std::vector<std::string> list_dirs(std::string_view dir) const override;
  bool exists(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  std::optional<std::string> read(std::string_view path, size_t max_bytes) const override;
  std::string read(const FileEntry& entry) const override;
  std::string read_prefix(const FileEntry& entry, size_t max_bytes) const override;
  std::vector<size_t> read_order(const std::vector<git_oid>& oids) const override;
  std::optional<git_oid> tree_id(std::string_view dir) const override;

 private:
  TreeEntryPtr entry_at(std::string_view path) const;  // null when missing
  TreePtr subtree(std::string_view dir) const;         // null when not a folder
  void walk_tree(const git_oid& tree, const std::string& prefix, const SkipDir& skip_dir,
                 const Visit& visit) const;

  const Repo* repo_;
  Tree tree_;
  OdbPtr odb_;
};

}  // namespace kg
