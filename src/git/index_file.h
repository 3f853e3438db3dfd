// A read-only, fast parser of git's index file (versions 2, 3 and 4) with
// its cache-tree (TREE extension), for the hot path of the hooks: the file
// mapped and read once (git replaces it by rename, never rewrites it in
// place; a large file's paths are copied into one buffer and the mapping is
// let go behind the parse and unmapped after it); no checksum verification
// (git does not verify on read either), no heap allocation per entry. What it does not handle
// (split or sparse index, unknown mandatory extensions, unknown versions,
// truncated or garbled data) makes read() return nullopt: fall back to
// Repo::index() then, which asks libgit2 and, for a split or sparse index
// that libgit2 1.5 refuses too, the git binary (git/git_index.h).
#pragma once

#include <git2.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "git/repo.h"

namespace kg {

struct IndexEntry {
  std::string_view path;  // into the owning IndexFile
  git_oid oid{};
  uint32_t mode = 0;  // 0100644, 0100755, 0120000, 0160000
  uint32_t ctime_sec = 0, ctime_nsec = 0;
  uint32_t mtime_sec = 0, mtime_nsec = 0;
  uint32_t dev = 0, ino = 0, uid = 0, gid = 0;
  uint32_t size = 0;       // the file size, truncated to 32 bits
  uint16_t flags = 0;      // on-disk flags: assume-valid, extended, stage, name length
  uint16_t ext_flags = 0;  // on-disk extended flags (v3+): skip-worktree, intent-to-add

  int stage() const { return (flags >> 12) & 3; }
  bool assume_valid() const { return (flags & 0x8000) != 0; }
  bool skip_worktree() const { return (ext_flags & 0x4000) != 0; }
  bool intent_to_add() const { return (ext_flags & 0x2000) != 0; }
};

// Unmaps IndexFile's mapping of the file.
struct IndexFileUnmap {
  size_t size = 0;
  void operator()(unsigned char* p) const noexcept;
};

class IndexFile {
 public:
  struct Time {
    int64_t sec = 0;
    int64_t nsec = 0;
  };

  // Parses the index file at `path`. A missing file is an empty index.
  static std::optional<IndexFile> read(const std::string& path);
  // The index git would use for `repo`, the file Repo::index() reads:
  // Repo::index_file() (GIT_INDEX_FILE when opened with open_from_env), else
  // the worktree's own index. Never asks libgit2 to load the index.
  static std::optional<IndexFile> open(const Repo& repo);
  // The path open() reads.
  static std::string path_for(const Repo& repo);

  IndexFile(IndexFile&&) noexcept = default;
  IndexFile& operator=(IndexFile&&) noexcept = default;
  IndexFile(const IndexFile&) = delete;  // entries point into the owned buffers
  IndexFile& operator=(const IndexFile&) = delete;
  ~IndexFile() = default;

  const std::string& file_path() const { return path_; }
  // 2, 3 or 4; 0 when the file does not exist.
  int version() const { return version_; }
  // The index file's own modification time (racy-git checks); nullopt when
  // the file does not exist.
  const std::optional<Time>& mtime() const { return mtime_; }

  // Every entry, in git's order: by path bytes, then by stage.
  const std::vector<IndexEntry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  // The entries whose path is below folder `dir` ("" = all; no trailing '/').
  std::span<const IndexEntry> below(std::string_view dir) const;
  // The stage-0 entry for `path`, null when there is none.
  const IndexEntry* find(std::string_view path) const;
  bool has_conflicts() const { return has_conflicts_; }

  // Whether the index has a cache-tree (TREE extension) at all.
  bool has_cache_tree() const { return !tree_nodes_.empty(); }
  // The tree id the cache-tree records for folder `dir` ("" = the root, no
  // trailing '/'); nullopt when the node is invalidated or absent.
  std::optional<git_oid> cached_tree(std::string_view dir) const;

 private:
  struct TreeNode {
    std::string_view path;  // into tree_paths_
    git_oid oid{};
    bool valid = false;
  };

  IndexFile() = default;
  struct PathCursor;
  bool parse(size_t size, bool copy_paths);
  bool read_v4_path(const unsigned char* p, size_t avail, size_t i, PathCursor& c, std::string_view& path,
                    size_t& consumed);
  bool read_v2_path(size_t pos, size_t fixed, size_t end, PathCursor& c, std::string_view& path,
                    size_t& entry_len);
  bool parse_extensions(size_t pos, size_t end);
  bool parse_tree_extension(const unsigned char* data, size_t size);
  size_t lower_bound(std::string_view path) const;

  std::string path_;
  int version_ = 0;
  std::optional<Time> mtime_;
  std::unique_ptr<unsigned char, IndexFileUnmap> data_;  // the file, mapped (a large one only while parsing)
  std::vector<char> arena_;                // v4: the expanded paths; a large v2/v3 file: its paths
  std::vector<char> tree_paths_;           // the cache-tree folder paths
  std::vector<IndexEntry> entries_;
  std::vector<TreeNode> tree_nodes_;  // sorted by path
  bool has_conflicts_ = false;
};

}  // namespace kg
