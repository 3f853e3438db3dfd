// A read-only view over a set of files: a git tree, an index or a working
// directory. Paths are repository-relative, '/'-separated byte strings (not
// necessarily UTF-8); "" is the root. Symlinks are listed (symlink = true)
// and never followed; reading one yields its target, as git stores it.
#pragma once

#include <git2.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kg {

struct FileEntry {
  std::string path;  // repository-relative, '/'-separated
  git_oid oid{};     // blob id; zero for a working directory
  bool symlink = false;
  uint64_t size = 0;  // bytes of the blob or file (of the target for a symlink); 0 when unknown (trees)
  int stage = 0;      // index stage: 0, or 2 (ours) / 3 (theirs) for a conflict
  bool skip_worktree = false;  // an index entry git leaves out of the working tree (sparse checkout)
};

class View {
 public:
  using SkipDir = std::function<bool(std::string_view name)>;
  using Visit = std::function<void(const FileEntry&)>;

  View() = default;
  View(const View&) = delete;
  View& operator=(const View&) = delete;
  virtual ~View();

  // Recursively lists the files (regular files and symlinks) below `dir`
  // ("" = root), in a deterministic order. A subfolder whose name
  // `skip_dir` accepts is pruned. A missing `dir` lists nothing.
  virtual void walk(std::string_view dir, const SkipDir& skip_dir, const Visit& visit) const = 0;
  // The names of the immediate subfolders of `dir`, sorted.
  virtual std::vector<std::string> list_dirs(std::string_view dir) const = 0;
  // True when `path` is a file, symlink or folder.
  virtual bool exists(std::string_view path) const = 0;
  virtual bool is_dir(std::string_view path) const = 0;
  // At most the first `max_bytes` of the file at `path` (repository content
  // is read within a limit the caller names); nullopt when missing or a
  // folder.
  virtual std::optional<std::string> read(std::string_view path, size_t max_bytes) const = 0;
  // The contents of an entry this view listed.
  virtual std::string read(const FileEntry& entry) const = 0;
  // At most the first `max_bytes` of an entry, without loading the rest when
  // the storage allows it (working-tree files, loose objects).
  virtual std::string read_prefix(const FileEntry& entry, size_t max_bytes) const = 0;
  // The id of the git tree holding folder `dir`, for views that are git
  // trees (so results below it can be cached by content); nullopt otherwise.
  virtual std::optional<git_oid> tree_id(std::string_view /*dir*/) const { return std::nullopt; }
  // The folders that walks so far could not list (a permission, an I/O
  // error): path and reason. Their files were not visited.
  virtual std::vector<std::pair<std::string, std::string>> unreadable_dirs() const { return {}; }
  // The order in which reading the blobs `oids` costs least (a permutation
  // of their indexes): pack order for views over git objects (packs.h),
  // as given otherwise. Called before the blobs are read: in a partial
  // clone, views over git objects fetch the missing ones then, at once
  // (fetch_missing, blob.h).
  virtual std::vector<size_t> read_order(const std::vector<git_oid>& oids) const;

  // walk() without pruning.
  void walk(std::string_view dir, const Visit& visit) const;
};

// "a/b/" -> "a/b", "/" -> "": the canonical form of a folder argument.
std::string_view trim_slashes(std::string_view path);

}  // namespace kg
