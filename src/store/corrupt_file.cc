#include "store/corrupt_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "store/sqlite.h"
#include "store/timestamp.h"

namespace kg {

namespace {

// An exclusive flock on a folder, released on destruction. Best effort: a
// file system without flock leaves only the identity check.
class FolderLock {
 public:
  explicit FolderLock(const std::string& folder) {
    fd_ = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) return;
    while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

bool exists(const std::string& path) {
  struct stat st{};
  return ::lstat(path.c_str(), &st) == 0;
}

std::string free_name(const std::string& path) {
  std::string base = path + ".corrupt-" + utc_now_compact();
  std::string name = base;
  for (int i = 1; exists(name) || exists(name + "-journal") || exists(name + "-wal"); ++i)
    name = base + "." + std::to_string(i);
  return name;
}

void rename_or_throw(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0)
    throw StoreError("cannot move " + from + " aside to " + to + ": " + std::strerror(errno));
}

}  // namespace

std::optional<FileIdentity> identify_file(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileIdentity{st.st_dev, st.st_ino};
}

std::optional<std::string> move_aside_corrupt(const std::string& path, const std::optional<FileIdentity>& seen) {
  std::filesystem::path p(path);
  std::string folder = p.has_parent_path() ? p.parent_path().string() : std::string(".");
  FolderLock lock(folder);
  std::optional<FileIdentity> now = identify_file(path);
  if (!now || (seen && *now != *seen)) return std::nullopt;
  std::string target = free_name(path);
  rename_or_throw(path, target);
  for (const char* companion : {"-journal", "-wal", "-shm"}) {
    std::string from = path + companion;
    if (exists(from)) rename_or_throw(from, target + companion);
  }
  return target;
}

}  // namespace kg
