// What git's untracked cache does for `git status`: a folder whose stat data
// has not changed since it was listed still holds the same names, so the
// stat pass (git/worktree_changes) need not read it again. Reading the
// folders was about a third of that pass's CPU on ext4, whose hashed
// directories sort their entries on every read.
//
// A listing is kept only when its folder last changed well before it was
// read (kSettleSeconds): a change within the timestamps' granularity of the
// read could otherwise leave the folder's stat data as it was. File contents
// are not cached here; every file is still compared with the index.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kg {

struct DirStat {
  int64_t mtime_sec = 0, mtime_nsec = 0, ctime_sec = 0, ctime_nsec = 0;
  uint64_t ino = 0;

  static DirStat of(const struct stat& st);
  friend bool operator==(const DirStat&, const DirStat&) = default;
};

// One folder's names as the stat pass needs them. The regular files the
// index tracks there are not kept (the index lists them); `entries` holds
// the rest: subfolders, untracked files, other entries of unknown kind.
// `digest` covers every name the folder held, so a listing rebuilt from the
// index and `entries` is known to be the folder's (see names_digest).
struct DirListing {
  // A name and what readdir said it is: 'd' folder, 'f' regular file,
  // 'u' unknown (to be stat'ed). Other kinds (symlinks...) are left out.
  struct Entry {
    char type = 'u';
    std::string name;
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  DirStat stat;
  uint64_t digest = 0;
  std::vector<Entry> entries;
};

// A folder's digest is the sum of its names' digests, so it does not depend
// on their order and can be built from two lists.
uint64_t names_digest(std::string_view name);

class DirListings {
 public:
  static constexpr int64_t kSettleSeconds = 2;

  // The listings saved at `path` for `workdir`; none when `path` is empty,
  // missing, damaged or written for another working tree.
  static DirListings load(const std::string& path, const std::string& workdir);

  // `rel`'s listing when its folder's stat data is still `now`.
  const DirListing* find(const std::string& rel, const DirStat& now) const;

  // Whether a folder read at `read_at` (seconds since the epoch) with this
  // stat data may be kept: its entries last changed kSettleSeconds before.
  static bool settled(const DirStat& st, int64_t read_at);

  // Writes the listings of the folders walked: those `find` returned
  // (`reused`) and those read afresh and settled (`fresh`). Skipped when they
  // are exactly the loaded ones; errors are ignored (it is a cache).
  void save(const std::vector<std::string>& reused, std::map<std::string, DirListing> fresh) const;

 private:
  std::string path_, workdir_;
  std::unordered_map<std::string, DirListing> loaded_;
};

}  // namespace kg
