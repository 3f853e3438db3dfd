#include "git/tree_view.h"

#include <algorithm>
#include <stdexcept>

#include "git/blob.h"
#include "git/error.h"
#include "git/packs.h"
#include "git/raw_tree.h"

namespace kg {

TreeView::TreeView(const Repo& repo, Tree tree)
    : repo_(&repo), tree_(std::move(tree)), odb_(repo.odb()) {}

TreeEntryPtr TreeView::entry_at(std::string_view path) const {
  const std::string p(trim_slashes(path));
  if (p.empty()) return nullptr;
  git_tree_entry* entry = nullptr;
  int rc = git_tree_entry_bypath(&entry, tree_.raw(), p.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return nullptr;
  }
  check(rc, "looking up '" + p + "' in tree " + tree_.hex());
  return TreeEntryPtr(entry);
}

TreePtr TreeView::subtree(std::string_view dir) const {
  git_tree* out = nullptr;
  if (trim_slashes(dir).empty()) {
    check(git_tree_dup(&out, tree_.raw()), "duplicating a tree handle");
    return TreePtr(out);
  }
  TreeEntryPtr entry = entry_at(dir);
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return nullptr;
  check(git_tree_lookup(&out, repo_->raw(), git_tree_entry_id(entry.get())),
        "reading tree " + std::string(dir));
  return TreePtr(out);
}

void TreeView::walk_tree(const git_oid& tree, const std::string& prefix, const SkipDir& skip_dir,
                         const Visit& visit) const {
  std::optional<std::string> data = read_tree_data(repo_->raw(), tree);
  if (!data) throw std::runtime_error("reading tree " + (prefix.empty() ? to_hex(tree) : prefix) + ": not a tree");
  bool ok = parse_tree(*data, [&](const RawTreeEntry& entry) {
    const std::string path = prefix.empty() ? std::string(entry.name) : prefix + "/" + std::string(entry.name);
    switch (entry.mode) {
      case GIT_FILEMODE_TREE:
        if (!skip_dir(entry.name)) walk_tree(entry.id, path, skip_dir, visit);
        break;
      case GIT_FILEMODE_BLOB:
      case GIT_FILEMODE_BLOB_EXECUTABLE:
      case GIT_FILEMODE_LINK: {
        FileEntry file;
        file.path = path;
        file.oid = entry.id;
        file.symlink = entry.mode == GIT_FILEMODE_LINK;
        visit(file);
        break;
      }
      default:  // submodule commit, or an invalid mode: not a file
        break;
    }
  });
  if (!ok) throw std::runtime_error("reading tree " + (prefix.empty() ? to_hex(tree) : prefix) + ": malformed tree object " + to_hex(tree));
}

void TreeView::walk(std::string_view dir, const SkipDir& skip_dir, const Visit& visit) const {
  TreePtr start = subtree(dir);
  if (!start) return;
  walk_tree(*git_tree_id(start.get()), std::string(trim_slashes(dir)), skip_dir, visit);
}

std::vector<std::string> TreeView::list_dirs(std::string_view dir) const {
  std::vector<std::string> names;
  TreePtr tree = subtree(dir);
  if (!tree) return names;
  const size_t count = git_tree_entrycount(tree.get());
  for (size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree.get(), i);
    if (git_tree_entry_filemode(entry) == GIT_FILEMODE_TREE) {
      names.emplace_back(git_tree_entry_name(entry));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool TreeView::exists(std::string_view path) const {
  if (trim_slashes(path).empty()) return true;
  return entry_at(path) != nullptr;
}

bool TreeView::is_dir(std::string_view path) const {
  if (trim_slashes(path).empty()) return true;
  TreeEntryPtr entry = entry_at(path);
  return entry && git_tree_entry_type(entry.get()) == GIT_OBJECT_TREE;
}

std::optional<std::string> TreeView::read(std::string_view path, size_t max_bytes) const {
  TreeEntryPtr entry = entry_at(path);
  if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  return read_blob_prefix(repo_->raw(), odb_.get(), *git_tree_entry_id(entry.get()), max_bytes);
}

std::string TreeView::read(const FileEntry& entry) const {
  return read_blob(repo_->raw(), entry.oid);
}

std::string TreeView::read_prefix(const FileEntry& entry, size_t max_bytes) const {
  return read_blob_prefix(repo_->raw(), odb_.get(), entry.oid, max_bytes);
}

std::vector<size_t> TreeView::read_order(const std::vector<git_oid>& oids) const {
  fetch_missing(repo_->raw(), oids);  // a partial clone: one fetch, not one per blob
  return pack_read_order(packs_of(repo_->raw()), oids);
}

std::optional<git_oid> TreeView::tree_id(std::string_view dir) const {
  TreePtr t = subtree(dir);
  if (!t) return std::nullopt;
  return *git_tree_id(t.get());
}

}  // namespace kg
