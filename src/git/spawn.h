// One child process of git, for the git_process module only (GitCommand,
// CatFileBatch, run_git): the single place where kabsd-guard starts a
// process. An argument vector (never a shell), an explicit environment, a
// starting folder, pipes for stdin/stdout/stderr, a deadline, and the child
// killed and reaped whatever happens.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace kg {

using SpawnClock = std::chrono::steady_clock;

// A pipe whose ends are closed when it goes out of scope (both O_CLOEXEC).
struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() = default;
  // Creates it; throws GitError when it cannot.
  void open();
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe();
  void close_read();
  void close_write();
};

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH ("git")
  std::vector<std::string> env;   // the child's whole environment
  std::string chdir;              // where it starts ("" = here)
  bool stdin_pipe = true;         // else stdin is /dev/null
  // Its own process group: a timeout then stops git's helpers too (ssh,
  // credential helpers, a fetch from a promisor remote).
  bool own_group = false;
};

// What a child did, once communicate() has run it to the end.
struct SpawnOutcome {
  std::string out, err;
  int wait_status = 0;     // as waitpid gives it
  bool timed_out = false;  // the deadline passed and the child was killed
  // The exit status; 128 + the signal when killed by one.
  int status() const;
};

struct SpawnLimits {
  size_t max_out = std::numeric_limits<size_t>::max();  // the rest is read and dropped
  size_t max_err = size_t{64} << 10;
  // On the deadline: SIGTERM, and SIGKILL after this much (0: SIGKILL at once).
  std::chrono::milliseconds grace{0};
};

class Child {
 public:
  // Starts the child. Throws GitError when it cannot be started. Writing to
  // a child that died is an error (EPIPE), never the end of kabsd-guard:
  // SIGPIPE is ignored in this process from then on, and restored to its
  // default in the child.
  explicit Child(const SpawnSpec& spec);
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  // A child still running is told to end (its stdin closed), given a moment,
  // then killed; always reaped.
  ~Child();

  int in() const { return in_.fd[1]; }
  int out() const { return out_.fd[0]; }
  int err() const { return err_.fd[0]; }
  void close_in() { in_.close_write(); }
  void close_out() { out_.close_read(); }
  void close_err() { err_.close_read(); }

  // Writes `input` (then closes stdin), reads stdout and stderr until both
  // end, and reaps the child, all before `deadline`; past it the child (its
  // group) is killed and the outcome says timed_out.
  SpawnOutcome communicate(std::string_view input, SpawnClock::time_point deadline, const SpawnLimits& limits);

  // Kills the child (its group) at once and reaps it; its wait status.
  int kill_now();

 private:
  void signal(int sig) const;
  bool try_reap(int& wait_status);

  Pipe in_, out_, err_;
  pid_t pid_ = -1;
  pid_t group_ = 0;  // the process group it leads, when its own
  bool own_group_ = false;
};

// Appends `data` to `to` while `to` holds less than `max` bytes.
void append_capped(std::string& to, const char* data, size_t n, size_t max);

// Milliseconds left until `deadline`, for poll(): 0 when it has passed,
// at most a minute.
int remaining_ms(SpawnClock::time_point deadline);

}  // namespace kg
