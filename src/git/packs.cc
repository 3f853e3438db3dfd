#include "git/packs.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

namespace kg {

namespace {

namespace fs = std::filesystem;

constexpr size_t kHeader = 8 + 256 * 4;  // magic, version, fan-out table

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// A pack folder as last listed: its modification time and its packs.
struct Listing {
  struct timespec mtime {};
  std::vector<const PackIndex*> packs;
};

// Everything opened so far in this process. Nothing is ever removed, so the
// pointers handed out stay valid.
struct Registry {
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<PackIndex>> by_path;  // .idx path
  std::map<std::string, Listing> folders;                     // objects folder
  std::map<std::string, std::unique_ptr<PackSet>> sets;       // common dir
  std::vector<std::unique_ptr<PackSet>> retired;              // replaced sets
  std::map<const PackSet*, std::vector<std::string>> sources;  // a set's object folders
  std::string last_common;
  const PackSet* last_set = nullptr;
};

Registry& registry() {
  static Registry r;
  return r;
}

struct timespec mtime_of(const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return {};
  return st.st_mtim;
}

bool same_time(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

// Whether a listed folder (or one of its alternates') has changed.
bool stale(const Registry& r, const std::vector<std::string>& dirs) {
  for (const std::string& dir : dirs) {
    auto it = r.folders.find(dir);
    if (it == r.folders.end() || !same_time(it->second.mtime, mtime_of(fs::path(dir) / "pack"))) return true;
  }
  return false;
}

void add_object_dir(Registry& r, const fs::path& dir, int depth, std::vector<std::string>& seen, PackSet& set) {
  std::error_code ec;
  const std::string canonical = fs::weakly_canonical(dir, ec).string();
  if (ec || std::find(seen.begin(), seen.end(), canonical) != seen.end()) return;
  seen.push_back(canonical);
  Listing& listing = r.folders[canonical];
  const fs::path pack_dir = fs::path(canonical) / "pack";
  listing.mtime = mtime_of(pack_dir);
  listing.packs.clear();
  std::vector<std::string> idx_files;
  for (fs::directory_iterator it(pack_dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".idx") idx_files.push_back(it->path().string());
  std::sort(idx_files.begin(), idx_files.end());
  for (const std::string& path : idx_files) {
    auto known = r.by_path.find(path);
    if (known == r.by_path.end()) {
      std::unique_ptr<PackIndex> idx = PackIndex::open(path);
      if (!idx) continue;
      known = r.by_path.emplace(path, std::move(idx)).first;
    }
    listing.packs.push_back(known->second.get());
  }
  set.packs.insert(set.packs.end(), listing.packs.begin(), listing.packs.end());
  if (depth >= 5) return;  // git's limit on nested alternates
  std::ifstream alternates(fs::path(canonical) / "info" / "alternates");
  for (std::string line; std::getline(alternates, line);) {
    if (line.empty() || line[0] == '#') continue;
    fs::path alt(line);
    add_object_dir(r, alt.is_absolute() ? alt : fs::path(canonical) / alt, depth + 1, seen, set);
  }
}

}  // namespace

std::unique_ptr<PackIndex> PackIndex::open(const std::string& idx_path) {
  static size_t next = 0;
  int fd = ::open(idx_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  void* map = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && st.st_size > 0)
    map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return nullptr;
  std::unique_ptr<PackIndex> idx(new PackIndex(static_cast<const unsigned char*>(map), static_cast<size_t>(st.st_size),
                                               idx_path.substr(0, idx_path.size() - 4) + ".pack", next));
  if (!idx->valid()) {
    ::munmap(map, static_cast<size_t>(st.st_size));
    return nullptr;
  }
  ++next;
  return idx;
}

PackIndex::PackIndex(const unsigned char* data, size_t size, std::string pack_path, size_t number)
    : data_(data), size_(size), pack_path_(std::move(pack_path)), number_(number) {}

bool PackIndex::valid() {
  static constexpr unsigned char kMagic[4] = {0xFF, 't', 'O', 'c'};
  if (size_ < kHeader || std::memcmp(data_, kMagic, 4) != 0 || be32(data_ + 4) != 2) return false;
  count_ = be32(data_ + 8 + 255 * 4);
  return size_ >= kHeader + size_t{count_} * (GIT_OID_RAWSZ + 8) + 2 * GIT_OID_RAWSZ;
}

std::optional<uint64_t> PackIndex::offset(const git_oid& oid) const {
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

void PackIndex::release() const {
  ::madvise(const_cast<unsigned char*>(data_), size_, MADV_DONTNEED);
}

void release_pages(const PackSet& packs) {
  for (const PackIndex* pack : packs.packs) pack->release();
}

std::optional<PackedAt> PackSet::find(const git_oid& oid) const {
  for (const PackIndex* pack : packs)
    if (auto off = pack->offset(oid)) return PackedAt{pack, *off};
  return std::nullopt;
}

const PackSet& packs_of(const std::string& common) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  if (r.last_set && r.last_common == common) return *r.last_set;
  std::unique_ptr<PackSet>& set = r.sets[common];
  if (!set || stale(r, r.sources[set.get()])) {
    if (set) r.retired.push_back(std::move(set));  // a thread may still hold it
    set = std::make_unique<PackSet>();
    std::vector<std::string> seen;
    if (!common.empty()) add_object_dir(r, fs::path(common) / "objects", 0, seen, *set);
    r.sources[set.get()] = std::move(seen);
  }
  r.last_common = common;
  r.last_set = set.get();
  return *set;
}

void recheck_packs() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.last_set = nullptr;
}

const PackSet& packs_of(git_repository* repo) {
  const char* common = git_repository_commondir(repo);
  return packs_of(std::string(common ? common : ""));
}

std::vector<size_t> pack_read_order(const PackSet& packs, const std::vector<git_oid>& oids) {
  std::vector<std::tuple<size_t, uint64_t, size_t>> packed;  // pack's place in the set, offset, index
  std::vector<size_t> loose;
  for (size_t i = 0; i < oids.size(); ++i) {
    bool found = false;
    for (size_t p = 0; p < packs.packs.size() && !found; ++p)
      if (auto off = packs.packs[p]->offset(oids[i])) {
        packed.emplace_back(p, *off, i);
        found = true;
      }
    if (!found) loose.push_back(i);
  }
  std::sort(packed.begin(), packed.end());
  std::vector<size_t> result;
  result.reserve(oids.size());
  for (const auto& t : packed) result.push_back(std::get<2>(t));
  result.insert(result.end(), loose.begin(), loose.end());
  return result;
}

}  // namespace kg
