// Plain POSIX file handling shared by the layers: an owned descriptor, and
// a file replaced atomically.
#pragma once

#include <sys/types.h>

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

// Writes `content` to `path` through a temporary file beside it renamed into
// place, so a reader sees the old file or the new one, never a part. With
// `sync` the data reaches the disk before the rename. Returns "" on
// success, else what failed (the temporary file is then removed).
std::string replace_file(const std::string& path, std::string_view content, mode_t mode, bool sync);

}  // namespace kg
