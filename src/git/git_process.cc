#include "git/git_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "git/error.h"
#include "util/files.h"

extern char** environ;

namespace kg {

namespace {

using Clock = std::chrono::steady_clock;

// The environment git runs with: ours, with `changes` applied.
std::vector<std::string> environment(const std::map<std::string, std::string>& changes) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    if (!changes.count(name)) out.push_back(std::move(entry));
  }
  for (const auto& [name, value] : changes)
    if (!value.empty()) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Owns a posix_spawn_file_actions_t.
struct FileActions {
  posix_spawn_file_actions_t fa;
  FileActions() { posix_spawn_file_actions_init(&fa); }
  ~FileActions() { posix_spawn_file_actions_destroy(&fa); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
};

struct SpawnAttr {
  posix_spawnattr_t attr;
  SpawnAttr() { posix_spawnattr_init(&attr); }
  ~SpawnAttr() { posix_spawnattr_destroy(&attr); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
};

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) throw GitError(std::string("cannot create a pipe for git: ") + std::strerror(errno));
}

// Reads what is there from `fd` into `into` (up to `max`); false at EOF.
bool drain(int fd, std::string& into, size_t max) {
  char buf[8192];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  size_t keep = into.size() < max ? std::min(max - into.size(), static_cast<size_t>(n)) : 0;
  into.append(buf, keep);
  return true;
}

}  // namespace

std::string GitProcessResult::last_error_line() const {
  size_t end = err.find_last_not_of(" \r\n\t");
  if (end == std::string::npos) return "";
  size_t start = err.rfind('\n', end);
  return err.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
}

std::string GitProcessResult::git_complaint() const {
  size_t pos = 0;
  while (pos < err.size()) {
    size_t nl = err.find('\n', pos);
    std::string line = err.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    for (std::string_view p : {"fatal: ", "error: "})
      if (line.rfind(p, 0) == 0) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        return line.substr(p.size());
      }
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return last_error_line();
}

GitProcessResult run_git(const std::vector<std::string>& args, const GitProcessOptions& options) {
  std::vector<std::string> argv{"git"};
  if (!options.dir.empty()) argv.insert(argv.end(), {"-C", options.dir});
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env = environment(options.env);
  std::vector<char*> argp = pointers(argv), envp = pointers(env);

  int out_pipe[2], err_pipe[2];
  make_pipe(out_pipe);
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  make_pipe(err_pipe);
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);

  FileActions fa;
  posix_spawn_file_actions_addopen(&fa.fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa.fa, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&fa.fa, err_w.get(), 2);
  SpawnAttr attr;
  // Its own process group, so that a timeout also stops ssh and helpers.
  posix_spawnattr_setflags(&attr.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr.attr, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr.attr, &none);
  posix_spawnattr_setsigdefault(&attr.attr, &defaults);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, "git", &fa.fa, &attr.attr, argp.data(), envp.data());
  if (rc != 0) throw GitError(std::string("cannot run git: ") + std::strerror(rc));
  out_w.close();
  err_w.close();

  GitProcessResult result;
  const auto deadline = Clock::now() + options.timeout;
  bool out_open = true, err_open = true;
  bool term_sent = false;
  auto kill_at = deadline;
  while (out_open || err_open) {
    auto now = Clock::now();
    if (now >= kill_at) {
      result.timed_out = true;
      ::kill(-pid, term_sent ? SIGKILL : SIGTERM);
      if (term_sent) break;
      term_sent = true;
      kill_at = now + std::chrono::seconds(1);
    }
    pollfd fds[2] = {{out_open ? out_r.get() : -1, POLLIN, 0}, {err_open ? err_r.get() : -1, POLLIN, 0}};
    int wait_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(kill_at - now).count()) + 1;
    int n = ::poll(fds, 2, wait_ms);
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    if (out_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
      out_open = drain(out_r.get(), result.out, options.max_output);
    if (err_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
      err_open = drain(err_r.get(), result.err, options.max_output);
  }
  // Both pipes closed (or the group killed): reap git, still within the time.
  int status = 0;
  for (;;) {
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR)) break;
    auto now = Clock::now();
    if (now >= kill_at) {
      result.timed_out = true;
      ::kill(-pid, term_sent ? SIGKILL : SIGTERM);
      term_sent = true;
      kill_at = now + std::chrono::seconds(1);
    }
    ::usleep(1000);
  }
  if (result.timed_out) ::kill(-pid, SIGKILL);  // anything of the group still there
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace kg
