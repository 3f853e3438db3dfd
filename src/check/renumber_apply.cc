// renumber, step 4: the file and index changes, all or nothing. New files
// are written first (never replacing anything), then the old ones removed,
// then the index written once; a failure undoes the steps already taken.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "check/renumber.h"
#include "git/error.h"
#include "git/index_edit.h"
#include "model/rewrite.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

std::string errno_text() { return std::strerror(errno); }

// A file descriptor closed on scope exit.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string read_all(const std::string& path, bool* ok) {
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

// Moves `from` to `to` unless `to` exists (which is then an error).
void rename_noreplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  if (errno != EINVAL && errno != ENOSYS) throw RenumberFailed("cannot create " + to + ": " + errno_text());
  // A file system without RENAME_NOREPLACE: link() never replaces either.
  if (::link(from.c_str(), to.c_str()) != 0) throw RenumberFailed("cannot create " + to + ": " + errno_text());
  ::unlink(from.c_str());
}

// Writes `content` as a new file at `path` with `mode` (and, for root, the
// owner of the file it replaces): a temporary file in the same folder,
// then a rename that never replaces.
void write_new(const std::string& path, const std::string& content, const struct stat& like) {
  if (exists_no_follow(path)) throw RenumberFailed(path + " already exists; renumber never overwrites a file");
  std::string tmp = std::string(path_dirname(path)) + "/.kg-renumber-" + std::to_string(::getpid()) + "-" +
                    std::string(path_basename(path)) + ".tmp";
  mode_t mode = like.st_mode & 07777;
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.fd < 0) throw RenumberFailed("cannot write in " + std::string(path_dirname(path)) + ": " + errno_text());
    auto fail = [&](const std::string& what) {
      std::string why = errno_text();
      ::unlink(tmp.c_str());
      throw RenumberFailed("cannot " + what + " " + path + ": " + why);
    };
    if (::fchmod(fd.fd, mode) != 0) fail("set the mode of");
    if (::geteuid() == 0 && ::fchown(fd.fd, like.st_uid, like.st_gid) != 0) { /* best effort */ }
    size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fd.fd, content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("write");
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd.fd) != 0) fail("write");
  }
  try {
    rename_noreplace(tmp, path);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

// Creates the missing folders of `dir` (repository-relative) below
// `workdir`, recording each one created.
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

struct Undo {
  std::vector<std::string> created_dirs;
  std::vector<std::string> created_files;  // absolute
  std::vector<std::pair<const RenumberMove*, struct stat>> removed;

  // Undoes everything in reverse; returns what could not be undone.
  std::string run(const std::string& workdir) {
    std::string problems;
    for (auto it = removed.rbegin(); it != removed.rend(); ++it) {
      try {
        write_new(path_join(workdir, it->first->from), it->first->original, it->second);
      } catch (const std::exception& e) {
        problems += std::string(problems.empty() ? "" : "; ") + e.what();
      }
    }
    for (auto it = created_files.rbegin(); it != created_files.rend(); ++it)
      if (::unlink(it->c_str()) != 0) problems += (problems.empty() ? "" : "; ") + ("cannot remove " + *it);
    for (auto it = created_dirs.rbegin(); it != created_dirs.rend(); ++it) ::rmdir(it->c_str());
    return problems;
  }
};

std::string index_lock_path(const Repo& repo) {
  IndexPtr index = repo.index();
  const char* p = git_index_path(index.get());
  return p ? std::string(p) + ".lock" : std::string();
}

}  // namespace

void preflight(const RenumberPlan& plan, const Repo& repo, const std::string& workdir, bool stage) {
  std::map<std::string, std::string> targets;
  bool any_tracked = false;
  for (const RenumberMove& m : plan.moves) {
    const std::string from = path_join(workdir, m.from), to = path_join(workdir, m.to);
    struct stat st {};
    if (::lstat(from.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      throw RenumberFailed(m.from + " is no longer a regular file; nothing was changed");
    bool ok = false;
    if (read_all(from, &ok) != m.original || !ok)
      throw RenumberFailed(m.from + " changed while renumber was reading it; nothing was changed");
    if (::access(std::string(path_dirname(from)).c_str(), W_OK | X_OK) != 0)
      throw RenumberFailed("cannot remove " + m.from + " from its folder: " + errno_text() + "; nothing was changed");
    auto [it, fresh] = targets.emplace(m.to, m.from);
    if (!fresh)
      throw RenumberFailed("both " + it->second + " and " + m.from + " would become " + m.to +
                           "; nothing was changed");
    if (exists_no_follow(to))
      throw RenumberFailed(m.to + " already exists; renumber never overwrites a file; nothing was changed");
    // The folders on the way: existing ones must be real folders; the
    // deepest existing one must be writable.
    std::string cur = workdir, writable = workdir;
    for (std::string_view part : split(path_dirname(m.to), '/')) {
      if (part.empty()) continue;
      cur.append(1, '/').append(part);
      struct stat ds {};
      if (::lstat(cur.c_str(), &ds) != 0) break;
      if (S_ISLNK(ds.st_mode))
        throw RenumberFailed(cur + " is a symbolic link; refusing to write through it; nothing was changed");
      if (!S_ISDIR(ds.st_mode))
        throw RenumberFailed("cannot create the folder " + cur + ": a file is in the way; nothing was changed");
      writable = cur;
    }
    if (::access(writable.c_str(), W_OK | X_OK) != 0)
      throw RenumberFailed("cannot write in " + writable + ": " + errno_text() + "; nothing was changed");
    any_tracked = any_tracked || m.tracked;
  }
  if (stage && any_tracked) {
    std::string lock = index_lock_path(repo);
    if (!lock.empty() && exists_no_follow(lock))
      throw RenumberFailed("the index is locked (" + lock + " exists): another git process seems to be running; "
                           "nothing was changed");
  }
}

void apply(RenumberPlan& plan, const Repo& repo, const std::string& workdir, const ApplyOptions& options) {
  Undo undo;
  try {
    for (RenumberMove& m : plan.moves)
      if (m.kind == RenumberMove::Kind::Renumber)
        m.rewritten = rewrite_item(m.from, m.original, *m.new_id, worklog_line(options.minute, m.message));
    std::vector<struct stat> modes;
    for (const RenumberMove& m : plan.moves) {
      const std::string from = path_join(workdir, m.from);
      struct stat st {};
      if (::lstat(from.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        throw RenumberFailed(m.from + " is no longer a regular file");
      modes.push_back(st);
    }
    for (size_t i = 0; i < plan.moves.size(); ++i) {
      const RenumberMove& m = plan.moves[i];
      make_dirs(workdir, std::string(path_dirname(m.to)), undo.created_dirs);
      const std::string to = path_join(workdir, m.to);
      write_new(to, m.rewritten, modes[i]);
      undo.created_files.push_back(to);
    }
    for (size_t i = 0; i < plan.moves.size(); ++i) {
      const RenumberMove& m = plan.moves[i];
      bool ok = false;
      const std::string from = path_join(workdir, m.from);
      if (read_all(from, &ok) != m.original || !ok)
        throw RenumberFailed(m.from + " changed while renumber was working");
      if (::unlink(from.c_str()) != 0) throw RenumberFailed("cannot remove " + m.from + ": " + errno_text());
      undo.removed.emplace_back(&m, modes[i]);
    }
    bool any = false;
    for (const RenumberMove& m : plan.moves) any = any || m.tracked;
    if (options.stage && any) {
      IndexEdit edit(repo);
      for (const RenumberMove& m : plan.moves)
        if (m.tracked) edit.rename(m.from, m.to);
      edit.write();
      for (RenumberMove& m : plan.moves) m.staged = m.tracked;
    }
    // Lines stay where they were (the id on its line, the worklog appended).
    for (RenumberRef& r : plan.references)
      for (const RenumberMove& m : plan.moves)
        if (r.path == m.from) r.path = m.to;
  } catch (const std::exception& e) {
    for (RenumberMove& m : plan.moves) m.staged = false;
    std::string cause = e.what();
    if (dynamic_cast<const GitError*>(&e)) cause = "cannot stage the renames in the index: " + cause;
    std::string problems = undo.run(workdir);
    if (problems.empty()) throw RenumberFailed(cause + "; every change was undone: the files and the index are as they were");
    throw RenumberFailed(cause + "; undoing failed too, check by hand: " + problems);
  }
}

}  // namespace kg
