// Helpers for the store tests: a fresh temporary folder per test, running
// code in a forked child (optionally without root's privileges), and the
// sqlite3 command-line shell for playing the Python tool. Header-only: it is
// included by the *_test.cc files of this folder only.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace kg::store_test {

namespace fs = std::filesystem;

// The Python tool's reservation, statement for statement (contract section 4).
inline std::string python_reserve_sql(const std::string& prefix, const std::string& code) {
  return "BEGIN IMMEDIATE;\n"
         "INSERT INTO id_sequences(prefix, type_code, next_number) VALUES('" + prefix + "', '" + code +
         "', 1) ON CONFLICT(prefix, type_code) DO UPDATE SET next_number = next_number + 1;\n"
         "SELECT next_number FROM id_sequences WHERE prefix = '" + prefix + "' AND type_code = '" + code + "';\n"
         "COMMIT;\n";
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "kg-store-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    unlock(path_);  // undo any chmod a test made, so that removal works for non-root too
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  static void unlock(const fs::path& p) {
    std::error_code ec;
    fs::permissions(p, fs::perms::owner_all, fs::perm_options::add, ec);
    if (!fs::is_directory(fs::symlink_status(p, ec))) return;
    for (const auto& entry : fs::directory_iterator(p, ec)) unlock(entry.path());
  }

  fs::path path_;
};

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the sqlite3 shell on `db` with `script` on its standard input;
// returns its standard output. Throws when the shell fails.
inline std::string run_sqlite3(const std::string& db, const std::string& script, const fs::path& scratch) {
  static int serial = 0;
  std::string in = (scratch / ("script-" + std::to_string(::getpid()) + "-" + std::to_string(++serial) + ".sql")).string();
  std::string out = in + ".out";
  write_file(in, ".timeout 60000\n.bail on\n" + script);
  std::string cmd = "sqlite3 -batch '" + db + "' < '" + in + "' > '" + out + "' 2>&1";
  int rc = std::system(cmd.c_str());
  std::string text = read_file(out);
  if (rc != 0) throw std::runtime_error("sqlite3 failed: " + text);
  return text;
}

// Starts the sqlite3 shell in the background; returns its pid. Standard
// output goes to `out_path`.
inline pid_t spawn_sqlite3(const std::string& db, const std::string& script_path, const std::string& out_path) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open(script_path.c_str(), O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execlp("sqlite3", "sqlite3", "-batch", db.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

inline int wait_exit_code(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

inline bool running_as_root() { return ::geteuid() == 0; }

struct ChildOutcome {
  int exit_code = 0;   // 77: the child could not drop privileges (skip)
  std::string output;  // what the child returned
};

// Runs `fn` in a forked child and returns its result string. With
// `unprivileged`, a root parent's child first becomes nobody (65534), so
// that file permissions really apply; a non-root child keeps its user.
// The child's alarm stops a hung test after `timeout_s`.
inline ChildOutcome run_in_child(const std::function<std::string()>& fn, bool unprivileged, unsigned timeout_s = 300) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    ::alarm(timeout_s);
    if (unprivileged && ::geteuid() == 0) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(77);
    }
    std::string result;
    int code = 0;
    try {
      result = fn();
    } catch (const std::exception& e) {
      result = std::string("EXCEPTION ") + e.what();
      code = 1;
    }
    size_t off = 0;
    while (off < result.size()) {
      ssize_t n = ::write(fds[1], result.data() + off, result.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    ::close(fds[1]);
    ::_exit(code);
  }
  ::close(fds[1]);
  std::string output;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      output.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  ::close(fds[0]);
  return {wait_exit_code(pid), output};
}

}  // namespace kg::store_test
