#include "git/git_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "git/error.h"

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
    "GIT_OPTIONAL_LOCKS=", "GIT_TERMINAL_PROMPT="};

std::vector<std::string> child_env(const std::optional<GitLocation>& where, bool discover) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view var(*e);
    bool drop = false;
    for (std::string_view name : kLocationVars) {
      const bool ours = name == "GIT_OPTIONAL_LOCKS=" || name == "GIT_TERMINAL_PROMPT=";  // set below
      // The object directories stay for the repository the environment named.
      const bool objects = name == "GIT_OBJECT_DIRECTORY=" || name == "GIT_ALTERNATE_OBJECT_DIRECTORIES=";
      if (var.starts_with(name) && (ours || discover || (where && !(objects && where->from_env)))) drop = true;
    }
    if (!drop) env.emplace_back(var);
  }
  if (where) {
    env.push_back("GIT_DIR=" + where->git_dir);
    if (!where->work_tree.empty()) env.push_back("GIT_WORK_TREE=" + where->work_tree);
    if (where->index_file) env.push_back("GIT_INDEX_FILE=" + *where->index_file);
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

}  // namespace kg
