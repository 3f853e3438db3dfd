#include "git/git_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "git/error.h"
#include "util/files.h"

extern char** environ;

namespace kg {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxStderr = size_t{64} << 10;  // kept of git's stderr

// The variables that tell git where the repository is: replaced when the
// location is given, so a hook's environment cannot point git elsewhere.
constexpr std::string_view kLocationVars[] = {
    "GIT_DIR=", "GIT_WORK_TREE=", "GIT_INDEX_FILE=", "GIT_COMMON_DIR=", "GIT_PREFIX=",
    "GIT_OBJECT_DIRECTORY=", "GIT_ALTERNATE_OBJECT_DIRECTORIES=", "GIT_NAMESPACE=",
    "GIT_QUARANTINE_PATH=", "GIT_OPTIONAL_LOCKS=", "GIT_TERMINAL_PROMPT="};

std::string absolute(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.string();
}

// Where git starts when told the repository: its top level (the git dir
// when bare), as git itself runs hooks. From a subfolder, git would read
// pathspecs relative to it and `ls-files` would list only that folder.
std::string top_level_of(const GitLocation& where) {
  return absolute(where.work_tree.empty() ? where.git_dir : where.work_tree);
}

std::vector<std::string> child_env(const std::optional<GitLocation>& where, bool discover) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view var(*e);
    bool drop = false;
    for (std::string_view name : kLocationVars) {
      const bool ours = name == "GIT_OPTIONAL_LOCKS=" || name == "GIT_TERMINAL_PROMPT=";  // set below
      // The object directories (and a push's quarantine) stay for the
      // repository the environment named; another (the sha256 mirror) may
      // update its refs.
      const bool objects = name == "GIT_OBJECT_DIRECTORY=" || name == "GIT_ALTERNATE_OBJECT_DIRECTORIES=" ||
                           name == "GIT_QUARANTINE_PATH=";
      if (var.starts_with(name) && (ours || discover || (where && !(objects && where->from_env)))) drop = true;
    }
    if (!drop) env.emplace_back(var);
  }
  if (where) {
    // Absolute: git starts in the top-level folder (top_level_of), not here.
    env.push_back("GIT_DIR=" + absolute(where->git_dir));
    if (!where->work_tree.empty()) env.push_back("GIT_WORK_TREE=" + absolute(where->work_tree));
    if (where->index_file) env.push_back("GIT_INDEX_FILE=" + absolute(*where->index_file));
  }
  env.emplace_back("GIT_OPTIONAL_LOCKS=0");  // a read never takes index.lock
  env.emplace_back("GIT_TERMINAL_PROMPT=0"); // a fetch never waits for a password
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) throw GitError(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (fd[0] >= 0) ::close(fd[0]);
    fd[0] = -1;
  }
  void close_write() {
    if (fd[1] >= 0) ::close(fd[1]);
    fd[1] = -1;
  }
};

// Starts git with its stdin, stdout and stderr on the given pipes; the
// child's ends are closed here after the spawn.
pid_t spawn(std::vector<std::string> argv, const std::optional<GitLocation>& where, Pipe& in, Pipe& out,
            Pipe& err, bool discover = false) {
  // Writing to git's stdin after git has died must be an error (EPIPE), not
  // the end of kabsd-guard (SIGPIPE).
  ::signal(SIGPIPE, SIG_IGN);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
  const std::string top = where && !discover ? top_level_of(*where) : std::string();
  if (!top.empty()) posix_spawn_file_actions_addchdir_np(&actions, top.c_str());
  std::vector<std::string> env = child_env(where, discover);
  std::vector<char*> c_argv = c_strings(argv);
  std::vector<char*> c_env = c_strings(env);
  // git itself gets the default action back (an ignored signal stays
  // ignored across exec).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, "git", &actions, &attr, c_argv.data(), c_env.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  in.close_read();
  out.close_write();
  err.close_write();
  if (rc != 0) throw GitError(std::string("cannot run git: ") + std::strerror(rc));
  return pid;
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  reap(pid);
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

void append_capped(std::string& to, const char* data, size_t n) {
  if (to.size() < kMaxStderr) to.append(data, std::min(n, kMaxStderr - to.size()));
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

GitCommand::GitCommand(std::vector<std::string> args) : args_(std::move(args)) {}

GitCommand& GitCommand::at(const GitLocation& where) {
  where_ = where;
  return *this;
}
GitCommand& GitCommand::in_dir(const std::string& dir) {
  dir_ = dir;
  return *this;
}
GitCommand& GitCommand::discover_in(const std::string& dir) {
  dir_ = dir;
  discover_ = true;
  where_.reset();
  return *this;
}
GitCommand& GitCommand::input(std::string data) {
  input_ = std::move(data);
  return *this;
}
GitCommand& GitCommand::timeout(std::chrono::milliseconds limit) {
  timeout_ = limit;
  return *this;
}

std::string GitCommand::describe() const {
  std::string out = "git";
  for (const std::string& a : args_) out += " " + a;
  return out;
}

GitResult GitCommand::run() const {
  std::vector<std::string> argv{"git"};
  if (!dir_.empty()) argv.insert(argv.end(), {"-C", dir_});
  argv.insert(argv.end(), args_.begin(), args_.end());
  Pipe in, out, err;
  const pid_t pid = spawn(std::move(argv), where_, in, out, err, discover_);
  ::fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  if (input_.empty()) in.close_write();
  const Clock::time_point deadline = Clock::now() + timeout_;
  GitResult result;
  size_t written = 0;
  char buf[65536];
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    pollfd fds[3] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}, {in.fd[1], POLLOUT, 0}};
    const int left = remaining_ms(deadline);
    if (left == 0) {
      kill_and_reap(pid);
      throw GitError(describe() + ": no answer within " + std::to_string(timeout_.count() / 1000) + " s; stopped");
    }
    if (::poll(fds, 3, left) < 0) {
      if (errno == EINTR) continue;
      kill_and_reap(pid);
      throw GitError(describe() + ": poll: " + std::strerror(errno));
    }
    if (fds[2].revents != 0) {
      ssize_t n = ::write(in.fd[1], input_.data() + written, input_.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) written = input_.size();  // git stopped reading
      if (written == input_.size()) in.close_write();
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      Pipe& p = i == 0 ? out : err;
      ssize_t n = ::read(p.fd[0], buf, sizeof buf);
      if (n > 0) {
        if (i == 0) result.out.append(buf, static_cast<size_t>(n));
        else append_capped(result.err, buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        p.close_read();
      }
    }
  }
  in.close_write();
  result.status = reap(pid);
  return result;
}

std::string GitCommand::output() const {
  GitResult r = run();
  if (r.status != 0) {
    std::string why = trimmed(r.err);
    throw GitError(describe() + " failed (exit " + std::to_string(r.status) + ")" + (why.empty() ? "" : ": " + why));
  }
  return std::move(r.out);
}

std::vector<std::string_view> split_z(std::string_view out) {
  std::vector<std::string_view> records;
  size_t start = 0;
  while (start < out.size()) {
    size_t nul = out.find('\0', start);
    if (nul == std::string_view::npos) nul = out.size();
    records.push_back(out.substr(start, nul - start));
    start = nul + 1;
  }
  return records;
}

// ---------------------------------------------------------------------------

struct CatFileBatch::Process {
  Pipe in, out, err;
  pid_t pid = -1;
  std::string buffered;  // read from stdout, not yet consumed
  std::string errors;    // git's stderr so far
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};

  ~Process() {
    in.close_write();  // git exits at the end of its input
    if (pid > 0) {
      // Give it a moment to exit by itself, then make sure.
      for (int i = 0; i < 50; ++i) {
        int status = 0;
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR)) return;
        ::usleep(2000);
      }
      kill_and_reap(pid);
    }
  }

  // Reads more of stdout (and whatever stderr has) until `ready` holds.
  template <typename Ready>
  void fill(Ready&& ready, const std::string& what) {
    const Clock::time_point deadline = Clock::now() + timeout;
    char buf[65536];
    while (!ready()) {
      if (out.fd[0] < 0) throw GitError(what + ": git cat-file stopped" + why());
      pollfd fds[2] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}};
      const int left = remaining_ms(deadline);
      if (left == 0) throw GitError(what + ": git cat-file gave no answer within the timeout" + why());
      if (::poll(fds, 2, left) < 0) {
        if (errno == EINTR) continue;
        throw GitError(what + ": poll: " + std::strerror(errno));
      }
      if (fds[1].revents != 0) {
        ssize_t n = ::read(err.fd[0], buf, sizeof buf);
        if (n > 0) append_capped(errors, buf, static_cast<size_t>(n));
        else if (n == 0) err.close_read();
      }
      if (fds[0].revents != 0) {
        ssize_t n = ::read(out.fd[0], buf, sizeof buf);
        if (n > 0) buffered.append(buf, static_cast<size_t>(n));
        else if (n == 0 || errno != EINTR) out.close_read();
      }
    }
  }

  std::string why() const {
    std::string e = trimmed(errors);
    return e.empty() ? std::string() : ": " + e;
  }

  void send(const std::string& line, const std::string& what) {
    size_t done = 0;
    while (done < line.size()) {
      ssize_t n = ::write(in.fd[1], line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw GitError(what + ": git cat-file stopped reading" + why());
      done += static_cast<size_t>(n);
    }
  }
};

CatFileBatch::CatFileBatch(const GitLocation& where) : where_(where) {}

CatFileBatch::~CatFileBatch() = default;

std::optional<CatFileBatch::Object> CatFileBatch::read(std::string_view name) {
  const std::string what = "reading " + std::string(name) + " through git";
  if (name.empty() || name.find('\n') != std::string_view::npos) throw GitError(what + ": not an object name");
  if (!process_) {
    auto p = std::make_unique<Process>();
    std::vector<std::string> argv{"git", "cat-file", "--batch"};
    p->pid = spawn(std::move(argv), where_, p->in, p->out, p->err);
    process_ = std::move(p);
  }
  Process& p = *process_;
  try {
    p.send(std::string(name) + "\n", what);
    size_t eol = 0;
    p.fill([&] { return (eol = p.buffered.find('\n')) != std::string::npos; }, what);
    const std::string header = p.buffered.substr(0, eol);
    p.buffered.erase(0, eol + 1);
    // "<oid> <type> <size>", or "<name> missing" / "<name> ambiguous".
    if (header.ends_with(" missing") || header.ends_with(" ambiguous")) return std::nullopt;
    const size_t sp2 = header.rfind(' ');
    const size_t sp1 = sp2 == std::string::npos || sp2 == 0 ? std::string::npos : header.rfind(' ', sp2 - 1);
    if (sp1 == std::string::npos) throw GitError(what + ": unexpected answer '" + header + "'");
    Object obj;
    obj.type = header.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string size_text = header.substr(sp2 + 1);
    char* end = nullptr;
    const unsigned long long size = std::strtoull(size_text.c_str(), &end, 10);
    if (size_text.empty() || *end != '\0') throw GitError(what + ": unexpected answer '" + header + "'");
    p.fill([&] { return p.buffered.size() >= size + 1; }, what);
    obj.data = p.buffered.substr(0, size);
    p.buffered.erase(0, size + 1);
    return obj;
  } catch (const GitError&) {
    process_.reset();  // out of step: a new one next time
    throw;
  }
}

// ---------------------------------------------------------------------------
// run_git (issue 17)


namespace {

using RunClock = std::chrono::steady_clock;

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
  const auto deadline = RunClock::now() + options.timeout;
  bool out_open = true, err_open = true;
  bool term_sent = false;
  auto kill_at = deadline;
  while (out_open || err_open) {
    auto now = RunClock::now();
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
    auto now = RunClock::now();
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
