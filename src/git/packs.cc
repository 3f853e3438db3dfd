#include "git/packs.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <tuple>

namespace kg {

namespace {

namespace fs = std::filesystem;

constexpr size_t kHeader = 8 + 256 * 4;  // magic, version, fan-out table

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void add_object_dir(const fs::path& dir, int depth, std::vector<std::string>& seen, PackSet& set) {
  std::error_code ec;
  const std::string canonical = fs::weakly_canonical(dir, ec).string();
  if (ec || std::find(seen.begin(), seen.end(), canonical) != seen.end()) return;
  seen.push_back(canonical);
  const fs::path pack_dir = fs::path(canonical) / "pack";
  std::vector<std::string> idx_files;
  for (fs::directory_iterator it(pack_dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".idx") idx_files.push_back(it->path().string());
  std::sort(idx_files.begin(), idx_files.end());
  for (const std::string& path : idx_files) {
    std::unique_ptr<PackIndex> idx = PackIndex::open(path);
    if (!idx) continue;
    set.packs.push_back(idx.get());
    set.owned.push_back(std::move(idx));
  }
  if (depth >= 5) return;  // git's limit on nested alternates
  std::ifstream alternates(fs::path(canonical) / "info" / "alternates");
  for (std::string line; std::getline(alternates, line);) {
    if (line.empty() || line[0] == '#') continue;
    fs::path alt(line);
    add_object_dir(alt.is_absolute() ? alt : fs::path(canonical) / alt, depth + 1, seen, set);
  }
}

}  // namespace

std::unique_ptr<PackIndex> PackIndex::open(const std::string& idx_path) {
  static std::atomic<size_t> next{0};  // numbers only: no index is kept here
  int fd = ::open(idx_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  void* map = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && st.st_size > 0)
    map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return nullptr;
  std::unique_ptr<PackIndex> idx(new PackIndex(static_cast<const unsigned char*>(map), static_cast<size_t>(st.st_size),
                                               idx_path.substr(0, idx_path.size() - 4) + ".pack", next++));
  if (!idx->valid()) return nullptr;  // unmapped by its destructor
  return idx;
}

PackIndex::~PackIndex() { ::munmap(const_cast<unsigned char*>(data_), size_); }

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

PackSet PackSet::list(const std::string& common_dir) {
  PackSet set;
  std::vector<std::string> seen;
  if (!common_dir.empty()) add_object_dir(fs::path(common_dir) / "objects", 0, seen, set);
  return set;
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
