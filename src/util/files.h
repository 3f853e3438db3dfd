// Plain POSIX file handling shared by the layers: an owned descriptor, and
// a file replaced atomically.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace kg {

// An open file descriptor, closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  explicit operator bool() const { return fd_ >= 0; }
  int get() const { return fd_; }
  // Closes now and reports whether close succeeded.
  bool close();

 private:
  int fd_;
};

// At most the first `max_bytes` of `path` when it is a regular file: never
// through a symbolic link (O_NOFOLLOW), never blocking on a FIFO or device
// (O_NONBLOCK, then fstat). nullopt for anything else or on an error.
std::optional<std::string> read_regular_prefix(const std::string& path, size_t max_bytes);
// The same, following symbolic links (as git does for a hook script): still
// only a regular file at the end, never a FIFO or device.
std::optional<std::string> read_regular_prefix_following(const std::string& path, size_t max_bytes);

// Writes `content` to `path` through a temporary file beside it renamed into
// place, so a reader sees the old file or the new one, never a part. With
// `sync` the data reaches the disk before the rename. Returns "" on
// success, else what failed (the temporary file is then removed).
std::string replace_file(const std::string& path, std::string_view content, mode_t mode, bool sync);

}  // namespace kg
