#include "git/worktree_changes.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <span>
#include <thread>

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

// One folder: its changed files into `out`, its subfolders into `subdirs`.
void scan_dir(const std::string& workdir, const std::string& rel, const IndexFile& index,
              const View::SkipDir& skip_dir, std::vector<std::string>& out, std::vector<std::string>& subdirs) {
  std::string full = rel.empty() ? workdir : workdir + "/" + rel;
  DirPtr dir(opendir(full.c_str()));
  if (!dir) return;
  const int fd = dirfd(dir.get());
  // The index entries below this folder: each lookup searches only them.
  const std::span<const IndexEntry> here = index.below(rel);
  auto find = [&](std::string_view path) -> const IndexEntry* {
    auto it = std::partition_point(here.begin(), here.end(), [&](const IndexEntry& e) { return e.path < path; });
    return it != here.end() && it->path == path && it->stage() == 0 ? &*it : nullptr;
  };
  std::string path;
  while (const dirent* de = readdir(dir.get())) {
    std::string_view name = de->d_name;
    if (name == "." || name == ".." || name == ".git") continue;
    path.assign(rel);
    if (!rel.empty()) path += '/';
    path += name;
    if (de->d_type == DT_DIR) {  // no stat needed
      if (!skip_dir(name)) subdirs.push_back(path);
      continue;
    }
    if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN) continue;  // symlinks, sockets...
    struct stat st;
    if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (!skip_dir(name)) subdirs.push_back(path);
    } else if (S_ISREG(st.st_mode)) {
      const IndexEntry* e = find(path);
      if (!e || !stat_matches(*e, st, index)) out.push_back(path);
    }
  }
}

// Folders are shared out between a few threads: stat calls dominate, and
// they run in parallel in the kernel.
class Walk {
 public:
  Walk(const std::string& workdir, const IndexFile& index, const View::SkipDir& skip_dir)
      : workdir_(workdir), index_(index), skip_dir_(skip_dir) {}

  std::vector<std::string> run(const std::vector<std::string>& dirs) {
    pending_.assign(dirs.begin(), dirs.end());
    unsigned n = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    std::vector<std::vector<std::string>> found(n);
    std::vector<std::thread> helpers;
    for (unsigned i = 1; i < n; ++i) helpers.emplace_back([this, &found, i] { work(found[i]); });
    work(found[0]);
    for (std::thread& t : helpers) t.join();
    std::vector<std::string> out;
    for (auto& f : found) out.insert(out.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
    return out;
  }

 private:
  void work(std::vector<std::string>& out) {
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
      scan_dir(workdir_, dir, index_, skip_dir_, out, subdirs);
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
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::string> pending_;
  int busy_ = 0;
};

}  // namespace

std::vector<std::string> worktree_changes(const std::string& workdir, const IndexFile& index,
                                          const std::vector<std::string>& dirs, const View::SkipDir& skip_dir) {
  std::vector<std::string> out = Walk(workdir, index, skip_dir).run(dirs);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace kg
