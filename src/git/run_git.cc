// run_git: the transport of the remote sequence ref. See git_process.h.
#include <sys/wait.h>

#include <map>

#include "git/git_process.h"
#include "git/spawn.h"

extern char** environ;

namespace kg {

namespace {

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
  SpawnSpec spec;
  spec.argv = {"git"};
  if (!options.dir.empty()) spec.argv.insert(spec.argv.end(), {"-C", options.dir});
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = environment(options.env);
  spec.stdin_pipe = false;  // /dev/null: git never waits for input
  spec.own_group = true;    // a timeout also stops ssh and helpers
  SpawnLimits limits;
  limits.max_out = limits.max_err = options.max_output;
  limits.grace = std::chrono::seconds(1);
  Child child(spec);
  SpawnOutcome done = child.communicate({}, SpawnClock::now() + options.timeout, limits);
  GitProcessResult result;
  result.timed_out = done.timed_out;
  result.status = !done.timed_out && WIFEXITED(done.wait_status) ? WEXITSTATUS(done.wait_status) : -1;
  result.out = std::move(done.out);
  result.err = std::move(done.err);
  return result;
}

}  // namespace kg
