#include "git/worktree_changes.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <thread>

#include "git/dir_listings.h"
#include "util/files.h"

namespace kg {

namespace {

struct DirCloser {
  void operator()(DIR* d) const noexcept { closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

bool stat_matches(const IndexEntry& e, const struct stat& st, const IndexFile& index) {
  if (e.stage() != 0 || e.intent_to_add()) return false;
  if (e.assume_valid() || e.skip_worktree()) return true;  // git does not look either
  if (static_cast<uint32_t>(st.st_size) != e.size) return false;
  if (static_cast<uint32_t>(st.st_mtim.tv_sec) != e.mtime_sec ||
      static_cast<uint32_t>(st.st_mtim.tv_nsec) != e.mtime_nsec)
    return false;
  if (static_cast<uint32_t>(st.st_ctim.tv_sec) != e.ctime_sec ||
      static_cast<uint32_t>(st.st_ctim.tv_nsec) != e.ctime_nsec)
    return false;
  if (static_cast<uint32_t>(st.st_ino) != e.ino) return false;
  bool exec = (st.st_mode & S_IXUSR) != 0;
  if (exec != (e.mode == 0100755) || (e.mode != 0100644 && e.mode != 0100755)) return false;
  // Racily clean: written in the second the index was, so the stat data
  // cannot vouch for the contents.
  if (const auto& written = index.mtime()) {
    if (e.mtime_sec > written->sec || (e.mtime_sec == written->sec && e.mtime_nsec >= written->nsec)) return false;
  }
  return true;
}

// What one folder's walk found: its changed files and subfolders, and the
// listing it read or reused.
struct Found {
  std::vector<std::string> changed;
  std::vector<std::string> reused;            // folders whose saved listing held
  std::map<std::string, DirListing> fresh;    // folders read afresh and settled
};

DirListing read_listing(int fd) {
  DirListing out;
  int own = dup(fd);  // closedir closes its descriptor
  if (own < 0) return out;
  DirPtr dir(fdopendir(own));
  if (!dir) {
    close(own);
    return out;
  }
  while (const dirent* de = readdir(dir.get())) {
    std::string_view name = de->d_name;
    if (name == "." || name == ".." || name == ".git") continue;
    char type = de->d_type == DT_DIR ? 'd' : de->d_type == DT_REG ? 'f' : de->d_type == DT_UNKNOWN ? 'u' : 0;
    if (type) out.entries.push_back({type, std::string(name)});  // not symlinks, sockets...
  }
  return out;
}

bool is_regular_mode(uint32_t mode) { return mode == 0100644 || mode == 0100755; }

// What the index has directly in a folder: its regular files, each name
// once, in index order, and its subfolders. `here`: the index entries below
// the folder; `skip`: the length of the folder's path and its '/'.
struct Tracked {
  std::vector<std::string_view> files, subdirs;
};
Tracked tracked_files(std::span<const IndexEntry> here, size_t skip) {
  Tracked out;
  for (auto it = here.begin(); it != here.end();) {
    std::string_view name = std::string_view(it->path).substr(skip);
    size_t slash = name.find('/');
    if (slash != std::string_view::npos) {  // a subfolder's entries: jump past them
      std::string_view sub = name.substr(0, slash + 1);
      out.subdirs.push_back(name.substr(0, slash));
      it = std::partition_point(it, here.end(), [&](const IndexEntry& e) {
        return std::string_view(e.path).substr(skip).substr(0, sub.size()) <= sub;
      });
      continue;
    }
    if (is_regular_mode(it->mode) && (out.files.empty() || out.files.back() != name)) out.files.push_back(name);
    ++it;
  }
  return out;
}

// A file the index has and the working tree no longer has as a regular file
// (deleted, or now a folder or symlink): it differs from the index, as `git
// status` says. Not an entry git keeps out of the working tree on purpose
// (skip-worktree: a sparse checkout) or a conflict.
bool gone_differs(const IndexEntry& e) { return e.stage() == 0 && is_regular_mode(e.mode) && !e.skip_worktree(); }

// Every such file below a folder that is not on disk.
void all_gone(std::span<const IndexEntry> entries, std::vector<std::string>& changed) {
  for (const IndexEntry& e : entries)
    if (gone_differs(e)) changed.emplace_back(e.path);
}

// One folder's names, checked against the index: its changed files, its
// subfolders to walk, and what the index has that the folder no longer does.
class DirScan {
 public:
  // `fd`: the folder, open; `rel`: its path below the working tree; `here`:
  // the index entries below it (index.below(rel)).
  DirScan(const std::string& rel, int fd, std::span<const IndexEntry> here, const IndexFile& index,
          const View::SkipDir& skip_dir, Found& found, std::vector<std::string>& subdirs)
      : rel_(rel), fd_(fd), here_(here), index_(index), skip_dir_(skip_dir), found_(found), subdirs_(subdirs),
        skip_(rel.empty() ? 0 : rel.size() + 1), in_index_(tracked_files(here, skip_)),
        on_disk_(in_index_.files.size()) {}

  // The folder's saved listing when its stat data (`now`) and the digest of
  // its names are as saved; else nullptr.
  const DirListing* saved_listing(const DirListings& listings, const DirStat& now) const {
    const DirListing* saved = listings.find(rel_, now);
    if (!saved) return nullptr;
    uint64_t digest = 0;
    for (std::string_view name : tracked()) digest += names_digest(name);
    for (const DirListing::Entry& e : saved->entries)
      if (!is_tracked(e.name)) digest += names_digest(e.name);  // an untracked file since added counts once
    return digest == saved->digest ? saved : nullptr;            // else the index changed under the folder
  }

  // The names from the index and the saved listing.
  void reuse(const DirListing& saved) {
    found_.reused.push_back(rel_);
    for (std::string_view t : tracked()) visit('f', t);
    for (const DirListing::Entry& e : saved.entries)
      if (!is_tracked(e.name)) visit(e.type, e.name);
    add_gone();
  }

  // The names from reading the folder; its listing is kept once settled.
  void read_afresh(const DirStat& now, int64_t started) {
    DirListing fresh = read_listing(fd_);
    fresh.stat = now;
    for (const DirListing::Entry& e : fresh.entries) fresh.digest += names_digest(e.name);
    for (const DirListing::Entry& e : fresh.entries) visit(e.type, e.name);
    add_gone();
    if (!DirListings::settled(now, started)) return;
    // Keep what the index does not list: subfolders and untracked files.
    std::erase_if(fresh.entries, [&](const DirListing::Entry& e) { return e.type != 'd' && is_tracked(e.name); });
    found_.fresh.emplace(rel_, std::move(fresh));
  }

 private:
  const std::vector<std::string_view>& tracked() const { return in_index_.files; }
  bool is_tracked(std::string_view name) const { return std::binary_search(tracked().begin(), tracked().end(), name); }

  // Each lookup searches only the entries below this folder, and compares
  // only what follows the folder's path, which they share.
  const IndexEntry* find(std::string_view name) const {
    auto it = std::partition_point(here_.begin(), here_.end(), [&](const IndexEntry& e) {
      return std::string_view(e.path).substr(skip_) < name;
    });
    return it != here_.end() && std::string_view(it->path).substr(skip_) == name && it->stage() == 0 ? &*it : nullptr;
  }

  void visit(char type, std::string_view entry) {
    path_.assign(rel_);
    if (!rel_.empty()) path_ += '/';
    path_ += entry;
    if (type == 'd') return add_subdir(entry);  // no stat needed
    name_.assign(entry);
    struct stat st;
    if (fstatat(fd_, name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    if (S_ISDIR(st.st_mode)) {
      add_subdir(entry);
    } else if (S_ISREG(st.st_mode)) {
      const IndexEntry* e = find(entry);
      if (e) on_disk_[static_cast<size_t>(std::lower_bound(tracked().begin(), tracked().end(), entry) - tracked().begin())] = true;
      if (!e || !stat_matches(*e, st, index_)) found_.changed.push_back(path_);
    }
  }

  // `entry`, a subfolder on disk (path_: its path).
  void add_subdir(std::string_view entry) {
    dirs_on_disk_.insert(entry);
    if (!skip_dir_(entry)) subdirs_.push_back(path_);
  }

  // What the index has here and the folder does not: deleted files, and the
  // files of deleted subfolders.
  void add_gone() {
    for (size_t i = 0; i < tracked().size(); ++i)
      if (!on_disk_[i])
        if (const IndexEntry* e = find(tracked()[i]); e && gone_differs(*e)) found_.changed.emplace_back(e->path);
    for (std::string_view sub : in_index_.subdirs)
      if (!dirs_on_disk_.count(sub) && !skip_dir_(sub)) all_gone(index_.below(rel_.empty() ? std::string(sub) : rel_ + '/' + std::string(sub)), found_.changed);
  }

  const std::string& rel_;
  const int fd_;
  const std::span<const IndexEntry> here_;
  const IndexFile& index_;
  const View::SkipDir& skip_dir_;
  Found& found_;
  std::vector<std::string>& subdirs_;
  const size_t skip_;  // the length of the folder's path and its '/'
  const Tracked in_index_;
  std::vector<bool> on_disk_;  // tracked files found as regular files
  std::set<std::string_view> dirs_on_disk_;
  std::string path_, name_;    // reused buffers
};

// One folder: its changed files and subfolders. Its names come from the
// saved listing and the index when the folder's stat data and the digest of
// those names are as saved, else from reading the folder.
void scan_dir(const std::string& workdir, const std::string& rel, const IndexFile& index,
              const View::SkipDir& skip_dir, const DirListings& listings, int64_t started, Found& found,
              std::vector<std::string>& subdirs) {
  std::string full = rel.empty() ? workdir : workdir + "/" + rel;
  const std::span<const IndexEntry> here = index.below(rel);
  Fd fd(open(full.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  struct stat dir_st;
  if (!fd || fstat(fd.get(), &dir_st) != 0) return all_gone(here, found.changed);
  const DirStat now = DirStat::of(dir_st);
  DirScan scan(rel, fd.get(), here, index, skip_dir, found, subdirs);
  if (const DirListing* saved = scan.saved_listing(listings, now)) return scan.reuse(*saved);
  scan.read_afresh(now, started);
}

// Folders are shared out between a few threads: stat calls dominate, and
// they run in parallel in the kernel.
class Walk {
 public:
  Walk(const std::string& workdir, const IndexFile& index, const View::SkipDir& skip_dir,
       const DirListings& listings)
      : workdir_(workdir), index_(index), skip_dir_(skip_dir), listings_(listings),
        started_(static_cast<int64_t>(std::time(nullptr))) {}

  std::vector<std::string> run(const std::vector<std::string>& dirs) {
    pending_.assign(dirs.begin(), dirs.end());
    unsigned n = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    std::vector<Found> found(n);
    std::vector<std::thread> helpers;
    for (unsigned i = 1; i < n; ++i) helpers.emplace_back([this, &found, i] { work(found[i]); });
    work(found[0]);
    for (std::thread& t : helpers) t.join();
    std::vector<std::string> out, reused;
    std::map<std::string, DirListing> fresh;
    for (Found& f : found) {
      out.insert(out.end(), std::make_move_iterator(f.changed.begin()), std::make_move_iterator(f.changed.end()));
      reused.insert(reused.end(), f.reused.begin(), f.reused.end());
      fresh.merge(f.fresh);
    }
    listings_.save(reused, std::move(fresh));
    return out;
  }

 private:
  void work(Found& out) {
    std::vector<std::string> subdirs;
    for (;;) {
      std::string dir;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return !pending_.empty() || busy_ == 0; });
        if (pending_.empty()) return;  // nothing queued and nobody left to queue more
        dir = std::move(pending_.back());
        pending_.pop_back();
        ++busy_;
      }
      subdirs.clear();
      scan_dir(workdir_, dir, index_, skip_dir_, listings_, started_, out, subdirs);
      {
        std::lock_guard lock(mutex_);
        for (std::string& d : subdirs) pending_.push_back(std::move(d));
        --busy_;
      }
      wake_.notify_all();
    }
  }

  const std::string& workdir_;
  const IndexFile& index_;
  const View::SkipDir& skip_dir_;
  const DirListings& listings_;
  const int64_t started_;  // seconds since the epoch
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::string> pending_;
  int busy_ = 0;
};

}  // namespace

std::vector<std::string> worktree_changes(const std::string& workdir, const IndexFile& index,
                                          const std::vector<std::string>& dirs, const View::SkipDir& skip_dir,
                                          const std::string& listings_path) {
  DirListings listings = DirListings::load(listings_path, workdir);
  std::vector<std::string> out = Walk(workdir, index, skip_dir, listings).run(dirs);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace kg
