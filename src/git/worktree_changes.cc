#include "git/worktree_changes.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>

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

void walk(const std::string& workdir, const std::string& rel, const IndexFile& index, const View::SkipDir& skip_dir,
          std::vector<std::string>& out) {
  std::string full = rel.empty() ? workdir : workdir + "/" + rel;
  DirPtr dir(opendir(full.c_str()));
  if (!dir) return;
  const int fd = dirfd(dir.get());
  std::vector<std::string> subdirs;
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
      const IndexEntry* e = index.find(path);
      if (!e || !stat_matches(*e, st, index)) out.push_back(path);
    }
  }
  dir.reset();
  for (const std::string& sub : subdirs) walk(workdir, sub, index, skip_dir, out);
}

}  // namespace

std::vector<std::string> worktree_changes(const std::string& workdir, const IndexFile& index,
                                          const std::vector<std::string>& dirs, const View::SkipDir& skip_dir) {
  std::vector<std::string> out;
  for (const std::string& d : dirs) walk(workdir, d, index, skip_dir, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace kg
