// renumber: the file primitives of apply and recovery. A new file is never
// written over an existing one, and never half: a temporary file beside it
// is renamed into place with RENAME_NOREPLACE.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "check/renumber_intent.h"
#include "util/files.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

std::string errno_text() { return std::strerror(errno); }

const char kTmpPrefix[] = ".kg-renumber-";

// Moves `from` to `to` unless `to` exists (which is then an error).
void rename_noreplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  if (errno != EINVAL && errno != ENOSYS) throw RenumberFailed("cannot create " + to + ": " + errno_text());
  // A file system without RENAME_NOREPLACE: link() never replaces either.
  if (::link(from.c_str(), to.c_str()) != 0) throw RenumberFailed("cannot create " + to + ": " + errno_text());
  ::unlink(from.c_str());
}

// ".kg-renumber-<digits>-<name>.tmp"?
bool is_temporary_of(std::string_view entry, std::string_view name) {
  const std::string_view prefix(kTmpPrefix);
  if (entry.substr(0, prefix.size()) != prefix) return false;
  entry.remove_prefix(prefix.size());
  size_t digits = 0;
  while (digits < entry.size() && entry[digits] >= '0' && entry[digits] <= '9') ++digits;
  if (digits == 0 || digits >= entry.size() || entry[digits] != '-') return false;
  entry.remove_prefix(digits + 1);
  return entry.size() == name.size() + 4 && entry.substr(0, name.size()) == name &&
         entry.substr(name.size()) == ".tmp";
}

}  // namespace

std::string read_file_bytes(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}

bool exists_no_follow(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

void write_new(const std::string& path, const std::string& content, const struct stat& like,
               const std::function<void()>& before_rename) {
  if (exists_no_follow(path)) throw RenumberFailed(path + " already exists; renumber never overwrites a file");
  std::string tmp = std::string(path_dirname(path)) + "/" + kTmpPrefix + std::to_string(::getpid()) + "-" +
                    std::string(path_basename(path)) + ".tmp";
  mode_t mode = like.st_mode & 07777;
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
    if (!fd) throw RenumberFailed("cannot write in " + std::string(path_dirname(path)) + ": " + errno_text());
    auto fail = [&](const std::string& what) {
      std::string why = errno_text();
      ::unlink(tmp.c_str());
      throw RenumberFailed("cannot " + what + " " + path + ": " + why);
    };
    if (::fchmod(fd.get(), mode) != 0) fail("set the mode of");
    if (::geteuid() == 0 && ::fchown(fd.get(), like.st_uid, like.st_gid) != 0) { /* best effort */ }
    size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("write");
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0) fail("write");
  }
  try {
    if (before_rename) before_rename();
    rename_noreplace(tmp, path);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

void make_dirs(const std::string& workdir, const std::string& dir, std::vector<std::string>& created) {
  std::string cur = workdir;
  for (std::string_view part : split(dir, '/')) {
    if (part.empty()) continue;
    cur.append(1, '/').append(part);
    struct stat st {};
    if (::lstat(cur.c_str(), &st) == 0) {
      if (S_ISLNK(st.st_mode)) throw RenumberFailed(cur + " is a symbolic link; refusing to write through it");
      if (!S_ISDIR(st.st_mode)) throw RenumberFailed("cannot create the folder " + cur + ": a file is in the way");
      continue;
    }
    if (::mkdir(cur.c_str(), 0777) != 0) throw RenumberFailed("cannot create the folder " + cur + ": " + errno_text());
    created.push_back(cur);
  }
}

size_t remove_temporaries(const std::string& path) {
  const std::string dir(path_dirname(path));
  const std::string name(path_basename(path));
  std::vector<std::string> found;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d))
      if (is_temporary_of(e->d_name, name)) found.push_back(dir + "/" + e->d_name);
    ::closedir(d);
  }
  size_t removed = 0;
  for (const std::string& f : found) {
    if (::unlink(f.c_str()) == 0) ++removed;
    else if (errno != ENOENT) throw RenumberFailed("cannot remove the temporary file " + f + ": " + errno_text());
  }
  return removed;
}

void sync_dir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) ::fsync(fd.get());
}

CrashPoints::CrashPoints() {
  const char* v = std::getenv("KABSD_GUARD_TEST_CRASH_AFTER");
  if (v && *v) after_ = std::strtol(v, nullptr, 10);
}

void CrashPoints::step() {
  if (after_ > 0 && ++count_ == after_) ::kill(::getpid(), SIGKILL);
}

}  // namespace kg
