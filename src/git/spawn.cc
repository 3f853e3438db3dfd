#include "git/spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "git/error.h"

namespace kg {

namespace {

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Owners of posix_spawn's two descriptions.
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

// What a child whose end could not be learnt reports: exit 255.
constexpr int kUnknownStatus = 255 << 8;

}  // namespace

void append_capped(std::string& to, const char* data, size_t n, size_t max) {
  if (to.size() < max) to.append(data, std::min(n, max - to.size()));
}

void Pipe::open() {
  if (::pipe2(fd, O_CLOEXEC) != 0) throw GitError(std::string("cannot create a pipe for git: ") + std::strerror(errno));
}

Pipe::~Pipe() {
  close_read();
  close_write();
}

void Pipe::close_read() {
  if (fd[0] >= 0) ::close(fd[0]);
  fd[0] = -1;
}

void Pipe::close_write() {
  if (fd[1] >= 0) ::close(fd[1]);
  fd[1] = -1;
}

int SpawnOutcome::status() const {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;
}

int remaining_ms(SpawnClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SpawnClock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left + 1, 60'000));
}

Child::Child(const SpawnSpec& spec) : own_group_(spec.own_group) {
  ::signal(SIGPIPE, SIG_IGN);
  // With SIGCHLD ignored (inherited so from whoever started us) the kernel
  // reaps git by itself and its exit status is lost: a failed git would
  // read as a success.
  struct sigaction chld {};
  if (::sigaction(SIGCHLD, nullptr, &chld) == 0 && chld.sa_handler == SIG_IGN) ::signal(SIGCHLD, SIG_DFL);
  if (spec.stdin_pipe) in_.open();
  out_.open();
  err_.open();
  FileActions actions;
  if (spec.stdin_pipe) posix_spawn_file_actions_adddup2(&actions.fa, in_.fd[0], 0);
  else posix_spawn_file_actions_addopen(&actions.fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions.fa, out_.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions.fa, err_.fd[1], 2);
  if (!spec.chdir.empty()) posix_spawn_file_actions_addchdir_np(&actions.fa, spec.chdir.c_str());
  SpawnAttr attr;
  // git gets an empty signal mask and SIGPIPE's default action back (an
  // ignored signal stays ignored across exec).
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (own_group_) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr.attr, 0);
  }
  posix_spawnattr_setflags(&attr.attr, flags);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr.attr, &none);
  posix_spawnattr_setsigdefault(&attr.attr, &defaults);
  std::vector<std::string> argv = spec.argv, env = spec.env;
  std::vector<char*> c_argv = c_strings(argv), c_env = c_strings(env);
  const int rc = posix_spawnp(&pid_, c_argv[0], &actions.fa, &attr.attr, c_argv.data(), c_env.data());
  in_.close_read();
  out_.close_write();
  err_.close_write();
  if (rc != 0) {
    pid_ = -1;
    throw GitError(std::string("cannot run git: ") + std::strerror(rc));
  }
  if (own_group_) group_ = pid_;
}

Child::~Child() {
  close_in();  // git exits at the end of its input
  int status = 0;
  for (int i = 0; i < 50 && pid_ > 0; ++i) {  // a moment to exit by itself
    if (try_reap(status)) return;
    ::usleep(2000);
  }
  if (pid_ > 0) kill_now();
}

void Child::signal(int sig) const {
  if (pid_ > 0) ::kill(own_group_ ? -pid_ : pid_, sig);
}

bool Child::try_reap(int& wait_status) {
  if (pid_ <= 0) return true;
  const pid_t r = ::waitpid(pid_, &wait_status, WNOHANG);
  if (r < 0 && errno != EINTR) wait_status = kUnknownStatus;  // never "exit 0"
  if (r == pid_ || (r < 0 && errno != EINTR)) {
    pid_ = -1;
    return true;
  }
  return false;
}

int Child::kill_now() {
  if (pid_ <= 0) return kUnknownStatus;
  signal(SIGKILL);
  int status = 0;
  pid_t r;
  while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return r < 0 ? kUnknownStatus : status;
}

SpawnOutcome Child::communicate(std::string_view input, SpawnClock::time_point deadline, const SpawnLimits& limits) {
  SpawnOutcome r;
  if (in() >= 0) ::fcntl(in(), F_SETFL, O_NONBLOCK);
  if (input.empty()) close_in();
  SpawnClock::time_point kill_at = deadline;
  bool term_sent = false;
  // The deadline passed: SIGTERM first when there is a grace period, then
  // SIGKILL. True once killed.
  auto stop = [&] {
    r.timed_out = true;
    if (limits.grace.count() > 0 && !term_sent) {
      signal(SIGTERM);
      term_sent = true;
      kill_at = SpawnClock::now() + limits.grace;
      return false;
    }
    r.wait_status = kill_now();
    if (group_ > 0) ::kill(-group_, SIGKILL);  // what of its group is still there
    return true;
  };
  size_t written = 0;
  char buf[65536];
  while (out() >= 0 || err() >= 0) {
    if (SpawnClock::now() >= kill_at && stop()) return r;
    pollfd fds[3] = {{out(), POLLIN, 0}, {err(), POLLIN, 0}, {in(), POLLOUT, 0}};
    if (::poll(fds, 3, remaining_ms(kill_at)) < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      kill_now();
      throw GitError(std::string("waiting for git: poll: ") + std::strerror(e));
    }
    if (fds[2].revents != 0) {
      const ssize_t n = ::write(in(), input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) written = input.size();  // git stopped reading
      if (written == input.size()) close_in();
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) append_capped(i == 0 ? r.out : r.err, buf, static_cast<size_t>(n), i == 0 ? limits.max_out : limits.max_err);
      else if (n == 0 || (errno != EINTR && errno != EAGAIN)) i == 0 ? close_out() : close_err();
    }
  }
  close_in();
  // Both pipes ended: reap git, still within the time.
  for (useconds_t nap = 50; !try_reap(r.wait_status); nap = std::min<useconds_t>(nap * 2, 5000)) {
    if (SpawnClock::now() >= kill_at && stop()) return r;
    ::usleep(nap);
  }
  if (r.timed_out && group_ > 0) ::kill(-group_, SIGKILL);  // git ended on SIGTERM; its helpers may not have
  return r;
}

}  // namespace kg
