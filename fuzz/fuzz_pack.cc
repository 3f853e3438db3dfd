// Pack entries and their delta chains through PackReader (git/pack_reader.h):
// headers, zlib streams, OFS_DELTA and REF_DELTA bases, the cache.
//
// Input: one byte n (low 4 bits), n records of an object id (20 bytes) and a
// big-endian 32-bit pack offset (high bit: an index into the large-offset
// table, as in git's .idx), then the pack file itself. The target writes the
// pack, and a version 2 .idx listing those ids at those offsets, to a
// scratch folder, then reads each object: first cut to a few bytes, then
// whole. The .idx always holds kSlots ids (padded with ids no record uses),
// so it keeps its size and is opened once: it is rewritten in place, and the
// mapping sees the new bytes (checked for every input).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "git/pack_reader.h"
#include "git/packs.h"

namespace {

constexpr size_t kSlots = 16;
constexpr size_t kRecord = 20 + 4;

struct Slot {
  std::array<unsigned char, 20> id{};
  uint32_t offset = 12;  // just after the pack header
};

void put32(std::string& s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((v >> shift) & 0xFF);
}

// A version 2 .idx for `slots` (sorted here), with a large-offset table of
// kSlots entries.
std::string make_idx(std::vector<Slot> slots) {
  std::sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) { return a.id < b.id; });
  std::string s("\xFFtOc", 4);
  put32(s, 2);
  for (unsigned b = 0; b < 256; ++b)
    put32(s, static_cast<uint32_t>(
                 std::count_if(slots.begin(), slots.end(), [&](const Slot& x) { return x.id[0] <= b; })));
  for (const Slot& x : slots) s.append(reinterpret_cast<const char*>(x.id.data()), 20);
  for (size_t i = 0; i < slots.size(); ++i) put32(s, 0);  // CRC-32s, not read
  for (const Slot& x : slots) put32(s, x.offset);
  for (size_t i = 0; i < kSlots; ++i) {  // large offsets: small ones, and one past any file
    const uint64_t v = i == kSlots - 1 ? uint64_t{1} << 40 : 12 + 7 * i;
    put32(s, static_cast<uint32_t>(v >> 32));
    put32(s, static_cast<uint32_t>(v));
  }
  s.append(40, '\0');  // pack and index checksums, not read
  return s;
}

void write_file(const std::string& path, const void* data, size_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(size)) != 0) std::abort();
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pwrite(fd, static_cast<const char*>(data) + done, size - done, static_cast<off_t>(done));
    if (n <= 0) std::abort();
    done += static_cast<size_t>(n);
  }
  ::close(fd);
}

// Ids no record uses: 0xFF.. with a count at the end (records' ids are
// taken as given; a clash only means one of the two is found).
std::vector<Slot> padding(size_t n) {
  std::vector<Slot> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].id.fill(0xFF);
    out[i].id[19] = static_cast<unsigned char>(i);
  }
  return out;
}

struct Scratch {
  std::string dir, idx, pack;
  std::unique_ptr<kg::PackIndex> index;
  kg::PackSet set;
  kg::PackReader reader;

  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/kg-fuzz-pack-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    dir = templ;
    idx = dir + "/pack-fuzz.idx";
    pack = dir + "/pack-fuzz.pack";
    const std::string bytes = make_idx(padding(kSlots));
    write_file(idx, bytes.data(), bytes.size());
    index = kg::PackIndex::open(idx);
    if (!index) std::abort();
    set.packs = {index.get()};
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

Scratch& scratch() {
  static Scratch s;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Scratch& s = scratch();
  const size_t n = std::min<size_t>(data[0] & 0x0F, (size - 1) / kRecord);
  std::vector<Slot> records(n);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* r = data + 1 + i * kRecord;
    std::memcpy(records[i].id.data(), r, 20);
    records[i].offset = (uint32_t{r[20]} << 24) | (uint32_t{r[21]} << 16) | (uint32_t{r[22]} << 8) | r[23];
    // A large-offset index past the table would make the .idx invalid.
    if (records[i].offset & 0x80000000u) records[i].offset = 0x80000000u | (records[i].offset % kSlots);
  }
  std::vector<Slot> slots = records;
  std::vector<Slot> pad = padding(kSlots - n);
  slots.insert(slots.end(), pad.begin(), pad.end());
  const std::string idx = make_idx(slots);
  write_file(s.idx, idx.data(), idx.size());
  const size_t body = 1 + n * kRecord;
  write_file(s.pack, data + body, size - body);
  s.reader.clear();  // closes the pack: the next read opens the new one

  git_oid probe{};
  std::memcpy(probe.id, pad.empty() ? records[0].id.data() : pad[0].id.data(), 20);
  if (!s.index->offset(probe)) {
    std::fprintf(stderr, "fuzz_pack: the .idx mapping does not see the rewritten file\n");
    std::abort();
  }
  for (const Slot& r : records) {
    git_oid oid{};
    std::memcpy(oid.id, r.id.data(), 20);
    (void)s.reader.read(s.set, oid, 5);
    if (auto whole = s.reader.read(s.set, oid)) {
      if (auto cut = s.reader.read(s.set, oid, 3)) {
        if (cut->type != whole->type || whole->data.compare(0, cut->data.size(), cut->data) != 0) std::abort();
      }
    }
  }
  return 0;
}
