#include "git/tree_view.h"

#include <algorithm>

#include "git/blob.h"
#include "git/error.h"
#include "git/packs.h"

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
  git_tree* raw = nullptr;
  check(git_tree_lookup(&raw, repo_->raw(), &tree), "reading tree " + (prefix.empty() ? to_hex(tree) : prefix));
  TreePtr owned(raw);
  const size_t count = git_tree_entrycount(raw);
  for (size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(raw, i);
    const std::string_view name = git_tree_entry_name(entry);
    const std::string path = prefix.empty() ? std::string(name) : prefix + "/" + std::string(name);
    switch (git_tree_entry_filemode(entry)) {
      case GIT_FILEMODE_TREE:
        if (!skip_dir(name)) walk_tree(*git_tree_entry_id(entry), path, skip_dir, visit);
        break;
      case GIT_FILEMODE_BLOB:
      case GIT_FILEMODE_BLOB_EXECUTABLE:
      case GIT_FILEMODE_LINK: {
        FileEntry file;
        file.path = path;
        file.oid = *git_tree_entry_id(entry);
        file.symlink = git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK;
        visit(file);
        break;
      }
      default:  // submodule commit: not a file
        break;
    }
  }
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
  return read_blob_prefix(*repo_, odb_.get(), *git_tree_entry_id(entry.get()), max_bytes);
}

std::string TreeView::read(const FileEntry& entry) const {
  return read_blob(*repo_, entry.oid);
}

std::string TreeView::read_prefix(const FileEntry& entry, size_t max_bytes) const {
  return read_blob_prefix(*repo_, odb_.get(), entry.oid, max_bytes);
}

std::vector<size_t> TreeView::read_order(const std::vector<git_oid>& oids) const {
  fetch_missing(repo_->raw(), oids);  // a partial clone: one fetch, not one per blob
  return pack_read_order(repo_->objects().packs(), oids);
}

std::optional<git_oid> TreeView::tree_id(std::string_view dir) const {
  TreePtr t = subtree(dir);
  if (!t) return std::nullopt;
  return *git_tree_id(t.get());
}

}  // namespace kg
