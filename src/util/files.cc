#include "util/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kg {

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

bool Fd::close() {
  int fd = fd_;
  fd_ = -1;
  return ::close(fd) == 0;
}

namespace {

std::optional<std::string> read_prefix(const std::string& path, size_t max_bytes, int flags) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | flags));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::string out(std::min<size_t>(max_bytes, static_cast<size_t>(st.st_size)), '\0');
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd.get(), out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;  // shorter than it was a moment ago
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

}  // namespace

std::optional<std::string> read_regular_prefix(const std::string& path, size_t max_bytes) {
  return read_prefix(path, max_bytes, O_NOFOLLOW);
}

std::optional<std::string> read_regular_prefix_following(const std::string& path, size_t max_bytes) {
  return read_prefix(path, max_bytes, 0);
}

std::string replace_file(const std::string& path, std::string_view content, mode_t mode, bool sync) {
  auto failed = [](const std::string& what) { return what + ": " + std::strerror(errno); };
  const std::string tmp = path + ".kabsd-guard-tmp-" + std::to_string(getpid());
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd) return failed("cannot create " + tmp);
  std::string err;
  size_t done = 0;
  while (done < content.size() && err.empty()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno != EINTR) err = failed("cannot write " + tmp);
    else if (n > 0) done += static_cast<size_t>(n);
  }
  if (err.empty() && fchmod(fd.get(), mode) != 0) err = failed("cannot chmod " + tmp);  // whatever the umask
  if (err.empty() && sync && fsync(fd.get()) != 0) err = failed("cannot sync " + tmp);
  if (!fd.close() && err.empty()) err = failed("cannot close " + tmp);
  if (err.empty() && std::rename(tmp.c_str(), path.c_str()) != 0)
    err = failed("cannot rename " + tmp + " to " + path);
  if (!err.empty()) ::unlink(tmp.c_str());
  return err;
}

}  // namespace kg
