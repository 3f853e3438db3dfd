// Running the git binary: the transport of the remote sequence ref
// (fetch, push) goes through git itself, so credentials, ssh config and
// proxies work as the user set them up. An argument vector, no shell, a
// timeout that kills the whole process group, stdout and stderr captured.
// (Issue 14 adds a git-plumbing fallback with its own spawner; the two are
// meant to become one module.)
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace kg {

struct GitProcessOptions {
  // Runs `git -C dir ...` when not empty.
  std::string dir;
  // Killed (SIGTERM, then SIGKILL a second later) when it runs longer.
  std::chrono::milliseconds timeout{30000};
  // Set (or, with an empty value, removed) in git's environment.
  std::map<std::string, std::string> env;
  // Each of stdout and stderr is kept up to this many bytes (the rest is read
  // and dropped, so git never blocks on a full pipe).
  size_t max_output = 4u << 20;
};

struct GitProcessResult {
  int status = -1;          // exit status; -1 when killed by a signal
  bool timed_out = false;   // killed by the timeout
  std::string out, err;
  bool ok() const { return status == 0 && !timed_out; }
  // The last non-empty line of stderr, for messages ("" when none).
  std::string last_error_line() const;
  // git's own complaint: the first "fatal: " or "error: " line of stderr
  // without that word, else last_error_line().
  std::string git_complaint() const;
};

// Runs `git ARGS...` (found on PATH) and waits for it. Throws GitError when
// git cannot be started at all.
GitProcessResult run_git(const std::vector<std::string>& args, const GitProcessOptions& options);

}  // namespace kg
