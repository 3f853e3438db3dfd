#include "git/index_delta.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <string_view>

#include "git/error.h"
#include "git/view.h"

namespace kg {

namespace {

bool is_file_mode(uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK;
}

uint32_t mode_of(const git_tree_entry* e) { return static_cast<uint32_t>(git_tree_entry_filemode(e)); }
bool is_tree(const git_tree_entry* e) { return git_tree_entry_filemode(e) == GIT_FILEMODE_TREE; }
bool is_file(const git_tree_entry* e) { return e != nullptr && is_file_mode(mode_of(e)); }
std::string_view name_of(const git_tree_entry* e) { return git_tree_entry_name(e); }

// git's tree order (base_name_compare): a folder sorts as if its name ended
// in '/'. The index's byte order of full paths groups entries the same way.
int name_compare(std::string_view a, bool a_dir, std::string_view b, bool b_dir) {
  const size_t n = std::min(a.size(), b.size());
  if (n > 0) {
    if (const int c = std::memcmp(a.data(), b.data(), n); c != 0) return c;
  }
  const unsigned char ca = a.size() > n ? static_cast<unsigned char>(a[n]) : (a_dir ? '/' : 0);
  const unsigned char cb = b.size() > n ? static_cast<unsigned char>(b[n]) : (b_dir ? '/' : 0);
  return ca < cb ? -1 : (ca > cb ? 1 : 0);
}

std::string join(std::string_view dir, std::string_view name) {
  std::string path;
  path.reserve(dir.size() + 1 + name.size());
  path.append(dir);
  if (!dir.empty()) path += '/';
  path.append(name);
  return path;
}

}  // namespace

std::vector<std::string> normalize_prefixes(const std::vector<std::string>& prefixes) {
  std::vector<std::string> all;
  for (const std::string& p : prefixes) {
    std::string s(trim_slashes(p));
    if (s.empty()) return {""};
    all.push_back(std::move(s));
  }
  if (all.empty()) return {""};
  std::sort(all.begin(), all.end());
  std::vector<std::string> kept;
  for (std::string& p : all) {
    const bool inside = std::any_of(kept.begin(), kept.end(), [&](const std::string& q) {
      return p == q || (p.size() > q.size() && p.compare(0, q.size(), q) == 0 && p[q.size()] == '/');
    });
    if (!inside) kept.push_back(std::move(p));
  }
  return kept;
}

namespace {

// "a/b/c" -> parent "a/b", name "c".
std::pair<std::string_view, std::string_view> split_last(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {std::string_view(), path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

void sort_deltas(std::vector<Delta>& out) {
  std::sort(out.begin(), out.end(), [](const Delta& a, const Delta& b) {
    if (const int c = a.path.compare(b.path); c != 0) return c < 0;
    return a.stage < b.stage;
  });
}

class Walker {
 public:
  Walker(const Repo& repo, std::vector<Delta>& out) : repo_(repo), out_(out) {}

  TreePtr load(const git_oid& id, std::string_view path) const {
    git_tree* raw = nullptr;
    check(git_tree_lookup(&raw, repo_.raw(), &id), "reading tree " + std::string(path));
    return TreePtr(raw);
  }

  // A file on either side (null: absent); reported when they differ.
  void file(std::string path, const git_oid* old_oid, uint32_t old_mode, const git_oid* new_oid,
            uint32_t new_mode, int stage = 0) {
    if (old_oid == nullptr && new_oid == nullptr) return;
    if (stage == 0 && old_oid != nullptr && new_oid != nullptr && old_mode == new_mode &&
        git_oid_equal(old_oid, new_oid)) {
      return;
    }
    Delta d;
    d.path = std::move(path);
    if (old_oid != nullptr) {
      d.old_oid = *old_oid;
      d.old_mode = old_mode;
    }
    if (new_oid != nullptr) {
      d.new_oid = *new_oid;
      d.new_mode = new_mode;
    }
    d.stage = stage;
    out_.push_back(std::move(d));
  }

  // The entry of folder `name` in `tree` (null when absent or a file).
  static const git_tree_entry* dir_entry(git_tree* tree, std::string_view name) {
    if (tree == nullptr) return nullptr;
    const git_tree_entry* e = git_tree_entry_byname(tree, std::string(name).c_str());
    return e != nullptr && is_tree(e) ? e : nullptr;
  }

  void set_index(const IndexFile* index) { index_ = index; }

  // Folder `dir`: the tree's subtree `tree_id` (null: absent) against the
  // index entries below it.
  void folder(const git_oid* tree_id, const std::string& dir, std::span<const IndexEntry> range) {
    if (tree_id == nullptr && range.empty()) return;
    if (tree_id != nullptr && !range.empty()) {
      const std::optional<git_oid> cached = index_->cached_tree(dir);
      if (cached && git_oid_equal(&*cached, tree_id)) return;
    }
    TreePtr tree = tree_id ? load(*tree_id, dir) : nullptr;
    merge(tree.get(), dir, range);
  }

  // One path: the tree's file (null: absent or not a file) against the
  // index entries for exactly that path (all stages).
  void index_file(const git_tree_entry* old, std::string path, std::span<const IndexEntry> entries) {
    const git_oid* old_oid = is_file(old) ? git_tree_entry_id(old) : nullptr;
    const uint32_t old_mode = old_oid ? mode_of(old) : 0;
    if (!entries.empty() && entries.back().stage() > 0) {
      for (const IndexEntry& e : entries) {
        if (e.stage() > 0) file(path, old_oid, old_mode, &e.oid, e.mode, e.stage());
      }
      return;
    }
    const IndexEntry* e = entries.empty() ? nullptr : &entries.front();
    if (e != nullptr && (e->intent_to_add() || !is_file_mode(e->mode))) e = nullptr;
    file(std::move(path), old_oid, old_mode, e ? &e->oid : nullptr, e ? e->mode : 0);
  }

  // The entries of `tree` (null: empty) at folder `dir` against `range`, the
  // index entries below `dir`, both walked in tree order.
  void merge(git_tree* tree, const std::string& dir, std::span<const IndexEntry> range) {
    const size_t prefix_len = dir.empty() ? 0 : dir.size() + 1;
    const size_t nt = tree ? git_tree_entrycount(tree) : 0;
    size_t i = 0, k = 0;
    while (i < nt || k < range.size()) {
      const git_tree_entry* te = i < nt ? git_tree_entry_byindex(tree, i) : nullptr;
      // The index group at k: one path (all its stages), or a folder.
      std::string_view comp;
      bool group_dir = false;
      size_t group_end = k;
      if (k < range.size()) {
        const std::string_view rest = range[k].path.substr(prefix_len);
        const size_t slash = rest.find('/');
        group_dir = slash != std::string_view::npos;
        comp = group_dir ? rest.substr(0, slash) : rest;
        const std::string_view key = range[k].path.substr(0, prefix_len + comp.size() + (group_dir ? 1 : 0));
        if (group_dir) {
          auto it = std::partition_point(range.begin() + static_cast<ptrdiff_t>(k), range.end(),
                                         [&](const IndexEntry& e) { return e.path.starts_with(key); });
          group_end = static_cast<size_t>(it - range.begin());
        } else {
          while (group_end < range.size() && range[group_end].path == key) ++group_end;
        }
      }
      const int c = te == nullptr              ? 1
                    : k >= range.size() ? -1
                                        : name_compare(name_of(te), is_tree(te), comp, group_dir);
      if (c < 0) {  // only in the tree
        const std::string path = join(dir, name_of(te));
        if (is_tree(te)) {
          folder(git_tree_entry_id(te), path, {});
        } else {
          index_file(te, path, {});
        }
        ++i;
        continue;
      }
      const std::span<const IndexEntry> group = range.subspan(k, group_end - k);
      std::string path(range[k].path.substr(0, prefix_len + comp.size()));
      const git_tree_entry* same = c == 0 ? te : nullptr;
      if (group_dir) {
        folder(same ? git_tree_entry_id(same) : nullptr, path, group);
      } else {
        index_file(same, std::move(path), group);
      }
      if (c == 0) ++i;
      k = group_end;
    }
  }

  void index_at(git_tree* tree, const std::string& prefix) {
    const IndexFile& index = *index_;
    if (tree != nullptr) {
      const std::optional<git_oid> root = index.cached_tree("");
      if (root && git_oid_equal(&*root, git_tree_id(tree))) return;
    }
    if (prefix.empty()) {
      merge(tree, "", index.below(""));
      return;
    }
    const auto [parent, name] = split_last(prefix);
    TreePtr owned;
    size_t start = 0;
    std::string dir;
    while (tree != nullptr && start < parent.size()) {
      size_t slash = parent.find('/', start);
      if (slash == std::string_view::npos) slash = parent.size();
      const std::string_view comp = parent.substr(start, slash - start);
      dir = join(dir, comp);
      const git_tree_entry* te = dir_entry(tree, comp);
      if (te != nullptr) {
        const std::optional<git_oid> cached = index.cached_tree(dir);
        if (cached && git_oid_equal(&*cached, git_tree_entry_id(te))) return;
      }
      TreePtr next = te ? load(*git_tree_entry_id(te), dir) : nullptr;
      owned = std::move(next);
      tree = owned.get();
      start = slash + 1;
    }
    const std::string n(name);
    const git_tree_entry* te = tree ? git_tree_entry_byname(tree, n.c_str()) : nullptr;
    // The entries for exactly `prefix` (a file), and those below it (a folder).
    const std::vector<IndexEntry>& all = index.entries();
    auto lo = std::partition_point(all.begin(), all.end(),
                                   [&](const IndexEntry& e) { return e.path < prefix; });
    auto hi = lo;
    while (hi != all.end() && hi->path == prefix) ++hi;
    index_file(te && !is_tree(te) ? te : nullptr, prefix,
               std::span<const IndexEntry>(all.data() + (lo - all.begin()), static_cast<size_t>(hi - lo)));
    folder(te && is_tree(te) ? git_tree_entry_id(te) : nullptr, prefix, index.below(prefix));
  }

 private:
  const Repo& repo_;
  std::vector<Delta>& out_;
  const IndexFile* index_ = nullptr;
};

}  // namespace

std::vector<Delta> index_delta(const Repo& repo, const std::optional<Tree>& tree,
                               const IndexFile& index, const std::vector<std::string>& prefixes) {
  std::vector<Delta> out;
  Walker walker(repo, out);
  walker.set_index(&index);
  for (const std::string& prefix : normalize_prefixes(prefixes)) {
    walker.index_at(tree ? tree->raw() : nullptr, prefix);
  }
  sort_deltas(out);
  return out;
}

}  // namespace kg
