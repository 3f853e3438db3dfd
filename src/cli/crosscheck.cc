#include "cli/crosscheck.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <set>
#include <string_view>

#include "cli/exit_codes.h"

extern char** environ;

namespace kg::cli {

namespace {

constexpr const char* kVariable = "KABSD_GUARD_CROSSCHECK";

struct Answer {
  int code = 0;
  std::string out, err;
};

// An anonymous file holding `bytes`, or empty.
int memory_file(const char* name, std::string_view bytes = {}) {
  int fd = memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("crosscheck: memfd_create: ") + std::strerror(errno));
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(std::string("crosscheck: write: ") + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  ::lseek(fd, 0, SEEK_SET);
  return fd;
}

std::string contents(int fd) {
  std::string out;
  ::lseek(fd, 0, SEEK_SET);
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// One run of this binary with `args`, `input` on its standard input (or
// ours, when it is a terminal), and `extra` added to the environment.
Answer run_once(const std::vector<std::string>& args, const std::string* input, const std::vector<std::string>& extra) {
  std::vector<std::string> env_store;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    if (kv.starts_with(std::string(kVariable) + "=") || kv.starts_with("KABSD_GUARD_NO_CACHE=")) continue;
    env_store.emplace_back(kv);
  }
  env_store.push_back(std::string(kVariable) + "=child");
  for (const std::string& kv : extra) env_store.push_back(kv);
  std::vector<char*> envp, argv;
  for (std::string& kv : env_store) envp.push_back(kv.data());
  envp.push_back(nullptr);
  std::string self = "/proc/self/exe";
  std::vector<std::string> arg_store = args;
  for (std::string& a : arg_store) argv.push_back(a.data());
  argv.push_back(nullptr);

  const int out = memory_file("kg-crosscheck-out"), err = memory_file("kg-crosscheck-err");
  const int in = input ? memory_file("kg-crosscheck-in", *input) : -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (in >= 0) posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  Answer a;
  if (rc != 0) {
    a.code = kInternal;
    a.err = std::string("crosscheck: cannot start ") + self + ": " + std::strerror(rc);
  } else {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    a.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    a.out = contents(out);
    a.err = contents(err);
  }
  ::close(out);
  ::close(err);
  if (in >= 0) ::close(in);
  return a;
}

void write_all(int fd, std::string_view bytes) {
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string show(const char* name, const Answer& a) {
  return std::string("--- ") + name + ": exit " + std::to_string(a.code) + "\n--- stdout\n" + a.out + "--- stderr\n" +
         a.err;
}

}  // namespace

bool crosscheck_wanted(const std::vector<std::string>& args) {
  const char* v = std::getenv(kVariable);
  if (!v || std::string_view(v) != "1") return false;
  // The first word that is not an option (or an option's value) is the command.
  static const std::set<std::string_view> with_value{"-C", "--config", "--db"};
  size_t at = 1;
  while (at < args.size() && args[at].starts_with("-")) at += with_value.count(args[at]) ? 2 : 1;
  if (at >= args.size()) return false;
  const std::string& command = args[at];
  if (command == "check" || command == "status") return true;
  if (command == "renumber") {
    for (const std::string& a : args)
      if (a == "--dry-run" || a == "-n") return true;
    return false;
  }
  if (command == "hook") {
    // The pre-* hooks only read; the post-* hooks sync, and `auto` finds
    // its stage from the processes above it, which the second run would
    // change.
    for (size_t i = at + 1; i < args.size(); ++i) {
      if (args[i].starts_with("-")) continue;
      return args[i] == "pre-commit" || args[i] == "pre-merge-commit" || args[i] == "pre-push" ||
             args[i] == "pre-applypatch";
    }
  }
  return false;
}

// stderr without the `--verbose` lines that say which engine read what:
// how the data was read may differ between the runs (the first fetches
// what a partial clone lacks), the answer may not.
static std::string answer_of(const std::string& err) {
  std::string out;
  size_t start = 0;
  while (start < err.size()) {
    size_t end = err.find('\n', start);
    end = end == std::string::npos ? err.size() : end + 1;
    if (err.compare(start, 20, "kabsd-guard: engine:") != 0) out.append(err, start, end - start);
    start = end;
  }
  return out;
}

int run_crosschecked(const std::vector<std::string>& args) {
  // Of the commands checked, only pre-push reads its standard input (the
  // refs git pushes): read once, given to both runs. The others leave it
  // to the two runs, which do not read it.
  std::string input;
  bool piped = false;
  for (size_t i = 1; i + 1 < args.size(); ++i)
    if (args[i] == "hook" && args[i + 1] == "pre-push") piped = true;
  if (piped) input = contents(0);
  const Answer cached = run_once(args, piped ? &input : nullptr, {});
  const Answer full = run_once(args, piped ? &input : nullptr, {"KABSD_GUARD_NO_CACHE=1"});
  if (cached.code != full.code || cached.out != full.out || answer_of(cached.err) != answer_of(full.err)) {
    write_all(2, "kabsd-guard: internal error: " + std::string(kVariable) +
                     ": the cached and the full computation differ\n" + show("cached", cached) +
                     show("full (KABSD_GUARD_NO_CACHE=1)", full));
    return kInternal;
  }
  write_all(1, cached.out);
  write_all(2, cached.err);
  return cached.code;
}

}  // namespace kg::cli
