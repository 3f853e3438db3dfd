#include "git/index_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>


namespace kg {

namespace {

constexpr size_t kSmallFile = size_t{4} << 20;
constexpr size_t kReleaseStep = size_t{1} << 20;  // a multiple of the page size

constexpr size_t kHashSize = 20;     // SHA-1 (libgit2 1.5 knows no other)
constexpr size_t kHeaderSize = 12;   // "DIRC", version, entry count
constexpr size_t kEntryFixed = 62;   // stat data, mode, oid, flags
constexpr uint16_t kExtended = 0x4000;
constexpr uint16_t kNameMask = 0x0FFF;

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
uint16_t be16(const unsigned char* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// Closes a file descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// git's varint for v4 path compression ("offset" encoding). Returns false
// when it runs past `avail` bytes or overflows.
bool read_varint(const unsigned char* p, size_t avail, uint64_t& value, size_t& used) {
  size_t i = 0;
  if (i >= avail) return false;
  unsigned c = p[i++];
  uint64_t v = c & 127;
  while ((c & 128) != 0) {
    if (i >= avail || v > (uint64_t{1} << 48)) return false;
    c = p[i++];
    v = ((v + 1) << 7) + (c & 127);
  }
  value = v;
  used = i;
  return true;
}

// Parses a non-negative decimal (or -1 when `allow_negative`) ending at
// `stop`; advances `pos` past the stop byte.
bool read_number(const unsigned char* data, size_t size, size_t& pos, char stop, bool allow_negative,
                 int64_t& out) {
  bool negative = false;
  if (allow_negative && pos < size && data[pos] == '-') {
    negative = true;
    ++pos;
  }
  size_t digits = 0;
  int64_t v = 0;
  while (pos < size && data[pos] >= '0' && data[pos] <= '9') {
    if (++digits > 10) return false;
    v = v * 10 + (data[pos] - '0');
    ++pos;
  }
  if (digits == 0 || pos >= size || data[pos] != stop) return false;
  ++pos;
  out = negative ? -v : v;
  return true;
}

std::string_view trim_trailing_slashes(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<IndexFile> IndexFile::read(const std::string& path) {
  IndexFile index;
  index.path_ = path;
  Fd file;
  file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file.fd < 0) {
    if (errno == ENOENT) return index;  // no index yet: empty
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  index.mtime_ = Time{static_cast<int64_t>(st.st_mtim.tv_sec), static_cast<int64_t>(st.st_mtim.tv_nsec)};
  const size_t size = static_cast<size_t>(st.st_size);
  if (size < kHeaderSize + kHashSize) return std::nullopt;
  // A small file is mapped whole at once and kept; a large one is read page
  // by page, its paths copied out, its pages let go behind the parse and
  // the file unmapped after it (issue 5: at 100,000 items the file is 27 MB,
  // its paths 8). Copying a small file's paths would cost a page fault per
  // page of the copy (1 ms at 10,000 entries).
  const bool small = size <= kSmallFile;
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | (small ? MAP_POPULATE : 0), file.fd, 0);
  if (map == MAP_FAILED) return std::nullopt;
  index.data_ = std::unique_ptr<unsigned char, IndexFileUnmap>(static_cast<unsigned char*>(map), IndexFileUnmap{size});
  if (!small) ::madvise(map, size, MADV_SEQUENTIAL);
  if (!index.parse(size, /*copy_paths=*/!small)) return std::nullopt;
  if (!small) index.data_.reset();  // everything kept has been copied out
  return index;
}

void IndexFileUnmap::operator()(unsigned char* p) const noexcept { ::munmap(p, size); }

namespace {

// The fixed part of the entry at `e` (stat data, mode, id, flags, v3+
// extended flags) into `entry`: its length, 0 when garbled or truncated.
size_t read_fixed_part(const unsigned char* e, size_t avail, uint32_t version, IndexEntry& entry) {
  if (avail < kEntryFixed) return 0;
  entry.ctime_sec = be32(e);
  entry.ctime_nsec = be32(e + 4);
  entry.mtime_sec = be32(e + 8);
  entry.mtime_nsec = be32(e + 12);
  entry.dev = be32(e + 16);
  entry.ino = be32(e + 20);
  entry.mode = be32(e + 24);
  entry.uid = be32(e + 28);
  entry.gid = be32(e + 32);
  entry.size = be32(e + 36);
  std::memcpy(entry.oid.id, e + 40, kHashSize);
  entry.flags = be16(e + 60);
  size_t fixed = kEntryFixed;
  if ((entry.flags & kExtended) != 0) {
    if (version < 3 || avail < kEntryFixed + 2) return 0;
    entry.ext_flags = be16(e + 62);
    fixed += 2;
  }
  // A sparse-directory entry (sparse index) is a folder: not handled.
  if ((entry.mode & S_IFMT) == S_IFDIR) return 0;
  return fixed;
}

}  // namespace

// Where the entry loop is: v4 paths are built in arena_ and pointed to at the
// end (it may grow); v2/v3 paths point into the mapping, or with
// `copy_paths` into arena_, reserved for the most they can take.
struct IndexFile::PathCursor {
  bool copy_paths = false;
  std::vector<size_t> v4_offsets;
  size_t released = 0;   // the mapped bytes before this are let go
  size_t prev_off = 0;   // v4: the previous path in the arena
  size_t prev_len = 0;
};

// A v4 entry's path (prefix-compressed against the previous one) at `p`,
// `avail` bytes before the end; `consumed`: the bytes it took.
bool IndexFile::read_v4_path(const unsigned char* p, size_t avail, size_t i, PathCursor& c,
                             std::string_view& path, size_t& consumed) {
  uint64_t strip = 0;
  size_t used = 0;
  if (!read_varint(p, avail, strip, used)) return false;
  const void* nul = std::memchr(p + used, 0, avail - used);
  if (nul == nullptr || strip > c.prev_len) return false;
  const size_t suffix = static_cast<size_t>(static_cast<const unsigned char*>(nul) - (p + used));
  const size_t keep = c.prev_len - static_cast<size_t>(strip);
  const size_t off = arena_.size();
  arena_.resize(off + keep + suffix);
  if (keep > 0) std::memmove(arena_.data() + off, arena_.data() + c.prev_off, keep);
  if (suffix > 0) std::memcpy(arena_.data() + off + keep, p + used, suffix);
  c.v4_offsets[i] = off;
  path = std::string_view(arena_.data() + off, keep + suffix);
  consumed = used + suffix + 1;
  c.prev_off = off;
  c.prev_len = keep + suffix;
  return true;
}

// A v2/v3 entry's path, NUL-padded to a multiple of 8 bytes with the fixed
// part (`fixed` bytes at d + pos); `entry_len`: the whole entry's length.
bool IndexFile::read_v2_path(size_t pos, size_t fixed, size_t end, PathCursor& c, std::string_view& path,
                             size_t& entry_len) {
  const unsigned char* d = data_.get();
  const unsigned char* p = d + pos + fixed;
  const void* nul = std::memchr(p, 0, end - pos - fixed);
  if (nul == nullptr) return false;
  const size_t len = static_cast<size_t>(static_cast<const unsigned char*>(nul) - p);
  entry_len = (fixed + len + 8) & ~size_t{7};  // 1..8 NULs of padding
  if (entry_len > end - pos) return false;
  path = std::string_view(reinterpret_cast<const char*>(p), len);
  if (!c.copy_paths) return true;
  const size_t off = arena_.size();
  arena_.insert(arena_.end(), p, p + len);  // within the reservation: no move
  path = std::string_view(arena_.data() + off, len);
  if (pos + entry_len - c.released >= kReleaseStep) {
    const size_t upto = (pos + entry_len) & ~(kReleaseStep - 1);
    ::madvise(const_cast<unsigned char*>(d) + c.released, upto - c.released, MADV_DONTNEED);
    c.released = upto;
  }
  return true;
}

bool IndexFile::parse(size_t size, bool copy_paths) {
  const unsigned char* d = data_.get();
  if (std::memcmp(d, "DIRC", 4) != 0) return false;
  const uint32_t version = be32(d + 4);
  if (version < 2 || version > 4) return false;
  version_ = static_cast<int>(version);
  const uint32_t count = be32(d + 8);
  const size_t end = size - kHashSize;
  size_t pos = kHeaderSize;
  if (count > (end - pos) / (kEntryFixed + 2)) return false;  // cannot fit
  entries_.resize(count);

  PathCursor cursor;
  cursor.copy_paths = copy_paths && version != 4;
  if (version == 4) {
    cursor.v4_offsets.resize(count);
    arena_.reserve(size * 2);
  } else if (copy_paths) {
    arena_.reserve(end - pos - size_t{count} * kEntryFixed);
  }
  std::string_view prev;
  int prev_stage = -1;
  for (uint32_t i = 0; i < count; ++i) {
    IndexEntry& entry = entries_[i];
    const size_t fixed = read_fixed_part(d + pos, end - pos, version, entry);
    if (fixed == 0) return false;
    std::string_view path;
    size_t taken = 0;
    if (version == 4) {
      if (!read_v4_path(d + pos + fixed, end - pos - fixed, i, cursor, path, taken)) return false;
      // The arena may have moved: the previous path is the one before this.
      if (i > 0) prev = std::string_view(arena_.data() + cursor.v4_offsets[i - 1], prev.size());
      taken += fixed;
    } else if (!read_v2_path(pos, fixed, end, cursor, path, taken)) {
      return false;
    }
    pos += taken;
    const size_t name_len = entry.flags & kNameMask;
    if (path.empty() || (name_len < kNameMask ? path.size() != name_len : path.size() < kNameMask)) {
      return false;
    }
    // Sorted by path bytes, then stage; anything else is garbled.
    const int stage = entry.stage();
    if (i > 0) {
      const int cmp = path.compare(prev);
      if (cmp < 0 || (cmp == 0 && stage <= prev_stage)) return false;
    }
    if (stage > 0) has_conflicts_ = true;
    entry.path = path;
    prev = path;
    prev_stage = stage;
  }
  if (version == 4) {
    for (uint32_t i = 0; i < count; ++i) {
      entries_[i].path = std::string_view(arena_.data() + cursor.v4_offsets[i], entries_[i].path.size());
    }
  }
  return parse_extensions(pos, end);
}

// Extensions: 4-byte signature, 4-byte size, data. Upper-case first byte:
// optional, may be skipped; anything else must be understood.
bool IndexFile::parse_extensions(size_t pos, size_t end) {
  const unsigned char* d = data_.get();
  while (end - pos >= 8) {
    const unsigned char* sig = d + pos;
    const size_t len = be32(sig + 4);
    if (len > end - pos - 8) return false;
    const unsigned char* body = sig + 8;
    if (std::memcmp(sig, "TREE", 4) == 0) {
      if (!parse_tree_extension(body, len)) return false;
    } else if (sig[0] < 'A' || sig[0] > 'Z') {
      return false;  // "link" (split index), "sdir" (sparse index), unknown
    }
    pos += 8 + len;
  }
  return pos == end;
}

bool IndexFile::parse_tree_extension(const unsigned char* data, size_t size) {
  // Pre-order: path component NUL, "<entry_count> <subtrees>\n", then the
  // tree id when entry_count >= 0 (-1: invalidated), then the subtrees.
  struct Frame {
    size_t path_len;
    int64_t remaining;
  };
  std::vector<Frame> stack;
  std::vector<std::pair<size_t, size_t>> spans;  // into tree_paths_
  std::string cur;
  size_t pos = 0;
  tree_nodes_.clear();
  tree_paths_.clear();

  auto node = [&](bool root) -> bool {
    const void* nul = std::memchr(data + pos, 0, size - pos);
    if (nul == nullptr) return false;
    const size_t len = static_cast<size_t>(static_cast<const unsigned char*>(nul) - (data + pos));
    const std::string_view name(reinterpret_cast<const char*>(data + pos), len);
    if (root ? !name.empty() : (name.empty() || name.find('/') != std::string_view::npos)) {
      return false;
    }
    pos += len + 1;
    int64_t entry_count = 0, subtrees = 0;
    if (!read_number(data, size, pos, ' ', true, entry_count) ||
        !read_number(data, size, pos, '\n', false, subtrees)) {
      return false;
    }
    TreeNode tn;
    if (entry_count >= 0) {
      if (size - pos < kHashSize) return false;
      std::memcpy(tn.oid.id, data + pos, kHashSize);
      tn.valid = true;
      pos += kHashSize;
    } else if (entry_count != -1) {
      return false;
    }
    if (!root) {
      cur.resize(stack.back().path_len);
      if (!cur.empty()) cur += '/';
      cur += name;
    }
    spans.emplace_back(tree_paths_.size(), cur.size());
    tree_paths_.insert(tree_paths_.end(), cur.begin(), cur.end());
    tree_nodes_.push_back(tn);
    if (subtrees > 0) stack.push_back(Frame{cur.size(), subtrees});
    return true;
  };

  if (size == 0) return true;  // an empty cache-tree
  if (!node(true)) return false;
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.remaining == 0) {
      stack.pop_back();
      continue;
    }
    --top.remaining;
    if (!node(false)) return false;
  }
  if (pos != size) return false;

  for (size_t i = 0; i < tree_nodes_.size(); ++i) {
    tree_nodes_[i].path = std::string_view(tree_paths_.data() + spans[i].first, spans[i].second);
  }
  std::sort(tree_nodes_.begin(), tree_nodes_.end(),
            [](const TreeNode& a, const TreeNode& b) { return a.path < b.path; });
  for (size_t i = 1; i < tree_nodes_.size(); ++i) {
    if (tree_nodes_[i - 1].path == tree_nodes_[i].path) return false;
  }
  return true;
}

size_t IndexFile::lower_bound(std::string_view path) const {
  auto it = std::partition_point(entries_.begin(), entries_.end(),
                                 [&](const IndexEntry& e) { return e.path < path; });
  return static_cast<size_t>(it - entries_.begin());
}

std::span<const IndexEntry> IndexFile::below(std::string_view dir) const {
  dir = trim_trailing_slashes(dir);
  if (dir.empty()) return {entries_.data(), entries_.size()};
  std::string key(dir);
  key += '/';
  const size_t lo = lower_bound(key);
  key.back() = '/' + 1;  // the first path after every "dir/..."
  const size_t hi = lower_bound(key);
  return {entries_.data() + lo, hi - lo};
}

const IndexEntry* IndexFile::find(std::string_view path) const {
  const size_t i = lower_bound(path);
  if (i < entries_.size() && entries_[i].path == path && entries_[i].stage() == 0) {
    return &entries_[i];
  }
  return nullptr;
}

std::optional<git_oid> IndexFile::cached_tree(std::string_view dir) const {
  dir = trim_trailing_slashes(dir);
  auto it = std::partition_point(tree_nodes_.begin(), tree_nodes_.end(),
                                 [&](const TreeNode& n) { return n.path < dir; });
  if (it == tree_nodes_.end() || it->path != dir || !it->valid) return std::nullopt;
  return it->oid;
}

std::optional<IndexFile> IndexFile::open(const Repo& repo) {
  // GIT_INDEX_FILE as Repo::open_from_env resolved it (made absolute then,
  // as libgit2 got it), else the worktree's own index: it lives in the git
  // dir (.git/worktrees/<name>/ for a linked worktree), as libgit2's
  // GIT_REPOSITORY_ITEM_INDEX.
  return read(path_for(repo));
}

std::string IndexFile::path_for(const Repo& repo) {
  if (const std::optional<std::string>& file = repo.index_file()) return *file;
  return repo.git_dir() + "/index";
}

}  // namespace kg
