#include "git/libgit2.h"

#include <git2.h>

#include <atomic>
#include <cstddef>
#include <stdexcept>

namespace kg {

namespace {

constexpr size_t kMwindowSize = size_t{4} << 20;
constexpr size_t kMwindowMappedLimit = size_t{8} << 20;
constexpr size_t kObjectCacheSize = size_t{8} << 20;

std::atomic<int> owners{0};  // Libgit2 objects alive: libgit2's own init count is not public

}  // namespace

Libgit2::Libgit2() {
  if (git_libgit2_init() < 0) throw std::runtime_error("libgit2 failed to initialize");
  // Memory: libgit2 maps packs in windows of 1 GiB, up to 8 GiB, and caches
  // up to 256 MiB of objects; every page a scan touches stays resident. A
  // backlog scan reads each blob once, in pack order, so small windows and
  // a small cache cost nothing (issue 5: peak RSS <= 50 MB at 100,000
  // items).
  git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, size_t{kMwindowSize});
  git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, size_t{kMwindowMappedLimit});
  git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, static_cast<ssize_t>(kObjectCacheSize));
  // Speed: git itself does not rehash an object it reads (only fsck does);
  // libgit2 does by default, ~6% of a cold scan. A damaged object still
  // fails zlib's checksum.
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  ++owners;
}

Libgit2::~Libgit2() {
  --owners;
  git_libgit2_shutdown();
}

bool Libgit2::alive() { return owners.load() > 0; }

}  // namespace kg
