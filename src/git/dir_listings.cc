#include "git/dir_listings.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

#include "util/build_fingerprint.h"
#include "util/files.h"

namespace kg {

namespace {

constexpr std::string_view kMagic{"KGDIRS2\n"};

void put_u64(std::string& out, uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_str(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out += s;
}

struct Input {
  std::string_view in;
  bool ok = true;

  uint64_t u64() {
    uint64_t v = 0;
    if (in.size() < sizeof v) return ok = false, 0;
    std::memcpy(&v, in.data(), sizeof v);
    in.remove_prefix(sizeof v);
    return v;
  }
  std::string str() {
    uint64_t n = u64();
    if (!ok || in.size() < n) return ok = false, std::string();
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

std::string read_file(const std::string& path) {
  std::string out;
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  struct stat st;
  if (!fd || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size >= (1 << 30))
    return out;
  out.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = read(fd.get(), out.data() + got, out.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

}  // namespace

uint64_t names_digest(std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a, then a splitmix64 finish
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ull;
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

DirStat DirStat::of(const struct stat& st) {
  return {st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec,
          static_cast<uint64_t>(st.st_ino)};
}

DirListings DirListings::load(const std::string& path, const std::string& workdir) {
  DirListings out;
  out.path_ = path;
  out.workdir_ = workdir;
  if (path.empty()) return out;
  const std::string bytes = read_file(path);
  Input in{bytes};
  if (!in.in.starts_with(kMagic)) return out;
  in.in.remove_prefix(kMagic.size());
  // Written by another build: its meaning may differ; start over.
  if (in.str() != build_fingerprint() || !in.ok) return out;
  if (in.str() != workdir || !in.ok) return out;
  std::unordered_map<std::string, DirListing> loaded;
  while (in.ok && !in.in.empty()) {
    std::string rel = in.str();
    DirListing l;
    l.stat.mtime_sec = static_cast<int64_t>(in.u64());
    l.stat.mtime_nsec = static_cast<int64_t>(in.u64());
    l.stat.ctime_sec = static_cast<int64_t>(in.u64());
    l.stat.ctime_nsec = static_cast<int64_t>(in.u64());
    l.stat.ino = in.u64();
    l.digest = in.u64();
    uint64_t n = in.u64();
    if (!in.ok || n > in.in.size()) return out;  // each entry takes more than a byte
    l.entries.resize(n);
    for (DirListing::Entry& e : l.entries) {
      e.type = in.in.empty() ? '\0' : in.in.front();
      if (!in.in.empty()) in.in.remove_prefix(1);
      e.name = in.str();
      if (!in.ok || (e.type != 'd' && e.type != 'f' && e.type != 'u') || e.name.empty()) return out;
    }
    loaded.emplace(std::move(rel), std::move(l));
  }
  if (in.ok) out.loaded_ = std::move(loaded);
  return out;
}

const DirListing* DirListings::find(const std::string& rel, const DirStat& now) const {
  auto it = loaded_.find(rel);
  return it != loaded_.end() && it->second.stat == now ? &it->second : nullptr;
}

bool DirListings::settled(const DirStat& st, int64_t read_at) {
  // Adding, removing or renaming an entry sets both timestamps; a change of
  // the ctime alone (chmod) leaves the names as they are.
  return st.mtime_sec + kSettleSeconds <= read_at;
}

void DirListings::save(const std::vector<std::string>& reused, std::map<std::string, DirListing> fresh) const {
  if (path_.empty() || (fresh.empty() && reused.size() == loaded_.size())) return;
  for (const std::string& rel : reused) {
    auto it = loaded_.find(rel);
    if (it != loaded_.end()) fresh.emplace(rel, it->second);
  }
  std::string out(kMagic);
  put_str(out, build_fingerprint());
  put_str(out, workdir_);
  for (const auto& [rel, l] : fresh) {
    put_str(out, rel);
    for (int64_t v : {l.stat.mtime_sec, l.stat.mtime_nsec, l.stat.ctime_sec, l.stat.ctime_nsec})
      put_u64(out, static_cast<uint64_t>(v));
    put_u64(out, l.stat.ino);
    put_u64(out, l.digest);
    put_u64(out, l.entries.size());
    for (const DirListing::Entry& e : l.entries) {
      out += e.type;
      put_str(out, e.name);
    }
  }
  replace_file(path_, out, 0644, false);  // a cache: a lost write is only redone
}

}  // namespace kg
