#include "git/blob.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>

#include "git/error.h"
#include "git/handles.h"
#include "git/object.h"

namespace kg {

namespace {

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// One pack's index file (version 2; git has written no other since 2009),
// mapped read-only: only the pages a lookup touches become resident.
class PackIndex {
 public:
  static std::unique_ptr<PackIndex> open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st {};
    void* map = MAP_FAILED;
    if (::fstat(fd, &st) == 0 && st.st_size > 0)
      map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) return nullptr;
    std::unique_ptr<PackIndex> idx(new PackIndex(static_cast<const unsigned char*>(map),
                                                 static_cast<size_t>(st.st_size)));
    return idx->valid() ? std::move(idx) : nullptr;
  }
  PackIndex(const PackIndex&) = delete;
  PackIndex& operator=(const PackIndex&) = delete;
  ~PackIndex() { ::munmap(const_cast<unsigned char*>(data_), size_); }

  // The object's offset in the pack; nullopt when the pack does not hold it.
  std::optional<uint64_t> offset(const git_oid& oid) const {
    const unsigned char* fanout = data_ + 8;
    const unsigned char first = oid.id[0];
    size_t lo = first == 0 ? 0 : be32(fanout + 4 * (first - 1));
    size_t hi = be32(fanout + 4 * first);
    const unsigned char* ids = data_ + kHeader;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      const int c = std::memcmp(ids + mid * GIT_OID_RAWSZ, oid.id, GIT_OID_RAWSZ);
      if (c == 0) {
        const unsigned char* offsets = ids + count_ * (GIT_OID_RAWSZ + 4);
        const uint32_t small = be32(offsets + 4 * mid);
        if (!(small & 0x80000000u)) return small;
        const size_t at = kHeader + count_ * (GIT_OID_RAWSZ + 8) + 8 * size_t{small & 0x7FFFFFFFu};
        if (at + 8 > size_) return std::nullopt;
        return (uint64_t{be32(data_ + at)} << 32) | be32(data_ + at + 4);
      }
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return std::nullopt;
  }

 private:
  static constexpr size_t kHeader = 8 + 256 * 4;  // magic, version, fan-out table

  PackIndex(const unsigned char* data, size_t size) : data_(data), size_(size) {}

  bool valid() {
    static constexpr unsigned char kMagic[4] = {0xFF, 't', 'O', 'c'};
    if (size_ < kHeader || std::memcmp(data_, kMagic, 4) != 0 || be32(data_ + 4) != 2) return false;
    count_ = be32(data_ + 8 + 255 * 4);
    return size_ >= kHeader + size_t{count_} * (GIT_OID_RAWSZ + 8) + 2 * GIT_OID_RAWSZ;
  }

  const unsigned char* data_;
  size_t size_;
  size_t count_ = 0;
};

// The pack indexes of every object folder (and its alternates) of the
// repositories read so far in this process.
struct PackRegistry {
  std::mutex mutex;
  const git_repository* last = nullptr;
  std::set<std::string> object_dirs;
  std::vector<std::unique_ptr<PackIndex>> packs;
};

PackRegistry& registry() {
  static PackRegistry r;
  return r;
}

void add_object_dir(PackRegistry& r, const std::filesystem::path& dir, int depth) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(dir, ec);
  if (ec || !r.object_dirs.insert(canonical.string()).second) return;
  std::vector<std::string> idx_files;
  for (fs::directory_iterator it(canonical / "pack", ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".idx") idx_files.push_back(it->path().string());
  std::sort(idx_files.begin(), idx_files.end());
  for (const std::string& path : idx_files)
    if (auto idx = PackIndex::open(path)) r.packs.push_back(std::move(idx));
  if (depth >= 5) return;  // git's limit on nested alternates
  std::ifstream alternates(canonical / "info" / "alternates");
  for (std::string line; std::getline(alternates, line);) {
    if (line.empty() || line[0] == '#') continue;
    fs::path alt(line);
    add_object_dir(r, alt.is_absolute() ? alt : canonical / alt, depth + 1);
  }
}

// Remembers where `repo` keeps its packs, for pack_read_order.
void note_repository(git_repository* repo) {
  PackRegistry& r = registry();
  std::lock_guard lock(r.mutex);
  if (r.last == repo) return;
  r.last = repo;
  if (const char* common = git_repository_commondir(repo))
    add_object_dir(r, std::filesystem::path(common) / "objects", 0);
}

// Whether a pack of a repository read so far holds `oid`.
bool packed(const git_oid& oid) {
  PackRegistry& r = registry();
  std::lock_guard lock(r.mutex);
  for (const auto& pack : r.packs)
    if (pack->offset(oid)) return true;
  return false;
}

}  // namespace

uint64_t blob_size(git_odb* odb, const git_oid& oid) {
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  check(git_odb_read_header(&size, &type, odb, &oid), "reading object " + to_hex(oid));
  return size;
}

std::string read_blob(git_repository* repo, const git_oid& oid) {
  note_repository(repo);
  git_blob* raw = nullptr;
  check(git_blob_lookup(&raw, repo, &oid), "reading blob " + to_hex(oid));
  BlobPtr blob(raw);
  const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  const auto size = static_cast<size_t>(git_blob_rawsize(blob.get()));
  return std::string(data, size);
}

std::string read_blob_prefix(git_repository* repo, git_odb* odb, const git_oid& oid,
                             size_t max_bytes) {
  if (max_bytes == 0) return {};
  note_repository(repo);
  git_odb_stream* raw = nullptr;
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  // A packed object cannot be streamed; asking first costs a failed look
  // for a loose file (a stat) per object: 8% of a cold scan.
  if (packed(oid) || git_odb_open_rstream(&raw, &size, &type, odb, &oid) < 0) {
    git_error_clear();  // not streamable (packed): load it whole
    std::string all = read_blob(repo, oid);
    if (all.size() > max_bytes) all.resize(max_bytes);
    return all;
  }
  OdbStreamPtr stream(raw);
  std::string out(std::min(size, max_bytes), '\0');
  size_t got = 0;
  constexpr size_t kChunk = size_t{1} << 20;
  while (got < out.size()) {
    const size_t want = std::min(kChunk, out.size() - got);
    int n = git_odb_stream_read(stream.get(), out.data() + got, want);
    check(n, "streaming blob " + to_hex(oid));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

std::vector<size_t> pack_read_order(const std::vector<git_oid>& oids) {
  std::vector<std::tuple<size_t, uint64_t, size_t>> packed;  // pack, offset, index
  std::vector<size_t> order;
  {
    PackRegistry& r = registry();
    std::lock_guard lock(r.mutex);
    for (size_t i = 0; i < oids.size(); ++i) {
      bool found = false;
      for (size_t p = 0; p < r.packs.size() && !found; ++p) {
        if (auto off = r.packs[p]->offset(oids[i])) {
          packed.emplace_back(p, *off, i);
          found = true;
        }
      }
      if (!found) order.push_back(i);
    }
  }
  std::sort(packed.begin(), packed.end(), [](const auto& a, const auto& b) {
    if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) < std::get<0>(b);
    return std::get<1>(a) > std::get<1>(b);  // back to front
  });
  std::vector<size_t> result;
  result.reserve(oids.size());
  for (const auto& t : packed) result.push_back(std::get<2>(t));
  result.insert(result.end(), order.begin(), order.end());
  return result;
}

}  // namespace kg
