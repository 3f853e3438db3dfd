// Reads objects straight from a repository's pack files (packs.h), without
// libgit2's object database: a cold scan reads every item of the backlog,
// and libgit2 1.5 re-inflates each delta chain from its base for every tree
// and blob (it keeps only the bases, in a fixed 16 MB cache per pack). Here
// every object rebuilt on the way is kept in a small LRU cache, so reading a
// pack front to back inflates each object about once.
//
// Anything unusual (an object in none of the packs, a pack that cannot be read,
// a malformed entry) gives nullopt, and callers ask libgit2, which then
// reports the trouble in its own words. A reader is used by one thread at a
// time; a Repo's readers belong to its ObjectStore (object_store.h).
#pragma once

#include <git2.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "git/packs.h"

namespace kg {

struct RawObject {
  git_object_t type = GIT_OBJECT_INVALID;
  std::string data;
};

class PackReader {
 public:
  explicit PackReader(size_t cache_bytes = kDefaultCacheBytes);
  PackReader(const PackReader&) = delete;
  PackReader& operator=(const PackReader&) = delete;
  ~PackReader();

  // The object `oid` of one of `packs`, cut to `max_bytes`. A blob stored
  // whole is inflated only that far.
  std::optional<RawObject> read(const PackSet& packs, const git_oid& oid,
                                size_t max_bytes = std::numeric_limits<size_t>::max());

  // Frees the cache and closes the packs.
  void clear();

  static constexpr size_t kDefaultCacheBytes = size_t{4} << 20;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kg
