#include "git/pack_reader.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <list>
#include <unordered_map>
#include <vector>

#include "git/delta.h"
#include "git/packs.h"
#include "util/files.h"

namespace kg {
namespace {

// Bytes read from a pack at once: for the objects asked for (read in pack
// order, front to back), a large window; for the delta bases on the way to
// them, behind, a small one, so that the large window stays.
constexpr size_t kAhead = size_t{64} << 10;
constexpr size_t kBack = size_t{4} << 10;
constexpr size_t kMaxHeader = 32;    // type and size, then a base offset or id
constexpr size_t kMaxChain = 10000;  // git's default depth is 50, --depth at most 4095

enum PackType { kCommit = 1, kTree = 2, kBlob = 3, kTag = 4, kOfsDelta = 6, kRefDelta = 7 };

struct Key {
  const PackIndex* pack;
  uint64_t offset;
  bool operator==(const Key& o) const { return pack == o.pack && offset == o.offset; }
};

struct KeyHash {
  size_t operator()(const Key& k) const { return std::hash<uint64_t>()(k.offset * 31 + k.pack->number()); }
};

struct Entry {
  Key key;
  std::shared_ptr<const RawObject> object;
};

// Bytes of a pack read into memory.
struct Window {
  std::vector<unsigned char> bytes;
  const PackIndex* pack = nullptr;
  uint64_t at = 0;
  size_t len = 0;
  bool holds(const PackIndex* p, uint64_t from, size_t want) const {
    return len > 0 && pack == p && from >= at && from + want <= at + len;
  }
};

// An entry's header: what it is, how big once inflated, where its zlib data
// starts, and for a delta, where its base is.
struct Header {
  int type = 0;
  uint64_t size = 0;
  uint64_t data = 0;
  Key base{};
};

}  // namespace

struct PackReader::Impl {
  explicit Impl(size_t cache_bytes) : limit(cache_bytes) {}
  ~Impl() {
    if (zlib_ready) inflateEnd(&zs);
  }

  size_t limit;
  size_t bytes = 0;
  std::list<Entry> lru;  // most recently used first
  std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> cached;

  struct Pack {
    std::unique_ptr<Fd> fd;
    bool bad = false;
  };
  std::vector<Pack> packs;

  Window ahead, back;

  z_stream zs{};
  bool zlib_ready = false;

  void clear() {
    lru.clear();
    cached.clear();
    bytes = 0;
    packs.clear();
    ahead = Window();
    back = Window();
  }

  std::shared_ptr<const RawObject> find(const Key& k) {
    auto it = cached.find(k);
    if (it == cached.end()) return nullptr;
    lru.splice(lru.begin(), lru, it->second);
    return it->second->object;
  }

  void remember(const Key& k, std::shared_ptr<const RawObject> object) {
    const size_t size = object->data.size() + sizeof(Entry) + 64;
    if (size > limit / 4 || cached.count(k)) return;
    lru.push_front({k, std::move(object)});
    cached.emplace(k, lru.begin());
    bytes += size;
    while (bytes > limit && !lru.empty()) {
      const Entry& last = lru.back();
      bytes -= last.object->data.size() + sizeof(Entry) + 64;
      cached.erase(last.key);
      lru.pop_back();
    }
  }

  int fd_of(const PackIndex* pack) {
    if (pack->number() >= packs.size()) packs.resize(pack->number() + 1);
    Pack& p = packs[pack->number()];
    if (p.bad) return -1;
    if (!p.fd) {
      p.fd = std::make_unique<Fd>(::open(pack->pack_path().c_str(), O_RDONLY | O_CLOEXEC));
      unsigned char head[8];
      if (!*p.fd || ::pread(p.fd->get(), head, sizeof head, 0) != static_cast<ssize_t>(sizeof head) ||
          std::memcmp(head, "PACK", 4) != 0 || head[4] != 0 || head[5] != 0 || head[6] != 0 ||
          (head[7] != 2 && head[7] != 3)) {
        p.bad = true;
        return -1;
      }
    }
    return p.fd->get();
  }

  // At least `want` bytes of `pack` from `at` (fewer at the end of the file),
  // through a window (`ahead` for the object asked for). Null when none can
  // be read.
  const unsigned char* bytes_at(const PackIndex* pack, uint64_t at, size_t want, bool asked, size_t& got) {
    Window* w = ahead.holds(pack, at, want) ? &ahead : back.holds(pack, at, want) ? &back : nullptr;
    if (w == nullptr) {
      w = asked ? &ahead : &back;
      const int fd = fd_of(pack);
      if (fd < 0) return nullptr;
      w->bytes.resize(std::max(asked ? kAhead : kBack, want));
      ssize_t n = 0;
      do n = ::pread(fd, w->bytes.data(), w->bytes.size(), static_cast<off_t>(at));
      while (n < 0 && errno == EINTR);
      if (n <= 0) {
        w->len = 0;
        return nullptr;
      }
      w->pack = pack;
      w->at = at;
      w->len = static_cast<size_t>(n);
    }
    got = static_cast<size_t>(w->at + w->len - at);
    return w->bytes.data() + (at - w->at);
  }

  bool header(const Key& k, bool asked, Header& h) {
    size_t got = 0;
    const unsigned char* p = bytes_at(k.pack, k.offset, kMaxHeader, asked, got);
    if (p == nullptr) return false;
    const unsigned char* end = p + std::min(got, kMaxHeader);
    const unsigned char* start = p;
    unsigned char c = *p++;
    h.type = (c >> 4) & 7;
    h.size = c & 15;
    for (unsigned shift = 4; c & 0x80; shift += 7) {
      if (p == end || shift > 57) return false;
      c = *p++;
      h.size |= uint64_t{c & 0x7Fu} << shift;
    }
    if (h.type == kOfsDelta) {
      if (p == end) return false;
      c = *p++;
      uint64_t back = c & 0x7F;
      while (c & 0x80) {
        if (p == end || back >= (uint64_t{1} << 56)) return false;
        c = *p++;
        back = ((back + 1) << 7) | (c & 0x7F);
      }
      if (back == 0 || back > k.offset) return false;
      h.base = {k.pack, k.offset - back};
    } else if (h.type == kRefDelta) {
      if (end - p < GIT_OID_RAWSZ) return false;
      git_oid base{};
      std::memcpy(base.id, p, GIT_OID_RAWSZ);
      p += GIT_OID_RAWSZ;
      auto at = set->find(base);
      if (!at) return false;
      h.base = {at->pack, at->offset};
    } else if (h.type < kCommit || h.type > kTag) {
      return false;
    }
    h.data = k.offset + static_cast<uint64_t>(p - start);
    return true;
  }

  // The first `keep` bytes (all when keep >= size) of the `size` bytes that
  // the zlib stream at `at` inflates to.
  bool inflate_at(const PackIndex* pack, uint64_t at, uint64_t size, uint64_t keep, bool asked, std::string& out) {
    if (size > out.max_size()) return false;
    const bool whole = keep >= size;
    // The size comes from the entry's header: allocate as the stream really
    // inflates, not all at once (fuzz/known/pack-entry-size-allocated).
    const size_t target = static_cast<size_t>(whole ? size : keep);
    constexpr size_t kFirst = size_t{1} << 20;
    out.resize(std::min(target, kFirst));
    if (!whole && target == 0) return true;
    if (!zlib_ready) {
      if (inflateInit(&zs) != Z_OK) return false;
      zlib_ready = true;
    } else if (inflateReset(&zs) != Z_OK) {
      return false;
    }
    unsigned char spare = 0;  // a whole stream must end exactly at `size`
    size_t produced = 0;
    for (;;) {
      size_t got = 0;
      const unsigned char* in = bytes_at(pack, at, 1, asked, got);
      if (in == nullptr) return false;
      got = std::min<size_t>(got, UINT32_MAX);
      zs.next_in = const_cast<unsigned char*>(in);
      zs.avail_in = static_cast<uInt>(got);
      if (produced == out.size() && out.size() < target) out.resize(std::min(target, out.size() * 2));
      bool into_spare = produced == target;
      const size_t room = std::min<size_t>(out.size() - produced, UINT32_MAX);
      zs.next_out = into_spare ? &spare : reinterpret_cast<unsigned char*>(out.data()) + produced;
      const uInt room_before = zs.avail_out = into_spare ? 1 : static_cast<uInt>(room);
      const int rc = inflate(&zs, Z_NO_FLUSH);
      if (into_spare && zs.avail_out == 0) return false;  // longer than its header says
      if (!into_spare) produced += room - zs.avail_out;
      at += got - zs.avail_in;
      if (rc == Z_STREAM_END) return produced == target && whole;
      if (!whole && produced == target) return true;
      if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
      if (zs.avail_in == got && zs.avail_out == room_before) return false;  // no progress: garbled
    }
  }

  const PackSet* set = nullptr;  // of the read in progress

  std::optional<RawObject> read(const Key& start, size_t max_bytes) {
    struct Link {
      Key key;
      Header header;
    };
    std::vector<Link> chain;
    std::shared_ptr<const RawObject> base;
    Key at = start;
    for (;;) {
      if ((base = find(at))) break;
      Header h;
      if (!header(at, at == start, h)) return std::nullopt;
      if (h.type <= kTag) {
        if (chain.empty() && h.type == kBlob && max_bytes < h.size) {  // a prefix will do
          RawObject out{GIT_OBJECT_BLOB, {}};
          if (!inflate_at(at.pack, h.data, h.size, max_bytes, true, out.data)) return std::nullopt;
          return out;
        }
        auto whole = std::make_shared<RawObject>();
        whole->type = static_cast<git_object_t>(h.type);
        if (!inflate_at(at.pack, h.data, h.size, h.size, at == start, whole->data)) return std::nullopt;
        remember(at, whole);
        base = std::move(whole);
        break;
      }
      if (chain.size() == kMaxChain) return std::nullopt;
      chain.push_back({at, h});
      at = h.base;
    }
    std::string delta;
    for (auto link = chain.rbegin(); link != chain.rend(); ++link) {
      const Header& h = link->header;
      if (!inflate_at(link->key.pack, h.data, h.size, h.size, link->key == start, delta)) return std::nullopt;
      auto next = std::make_shared<RawObject>();
      next->type = base->type;
      if (!apply_delta(base->data, delta, next->data)) return std::nullopt;
      remember(link->key, next);
      base = std::move(next);
    }
    RawObject out{base->type, {}};
    out.data.assign(base->data, 0, std::min(max_bytes, base->data.size()));
    return out;
  }
};

PackReader::PackReader(size_t cache_bytes) : impl_(std::make_unique<Impl>(cache_bytes)) {}

PackReader::~PackReader() = default;

std::optional<RawObject> PackReader::read(const PackSet& packs, const git_oid& oid, size_t max_bytes) {
  auto at = packs.find(oid);
  if (!at) return std::nullopt;
  impl_->set = &packs;
  try {
    return impl_->read({at->pack, at->offset}, max_bytes);
  } catch (const std::exception&) {  // a garbled size too large to allocate, and the like
    return std::nullopt;
  }
}

void PackReader::clear() { impl_->clear(); }

}  // namespace kg
