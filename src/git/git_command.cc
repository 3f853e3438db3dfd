// GitCommand: git plumbing run to the end, in a repository named
// explicitly. See git_process.h.
#include "git/error.h"
#include "git/git_env.h"
#include "git/git_process.h"
#include "git/spawn.h"

namespace kg {

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
  SpawnSpec spec;
  spec.argv = {"git"};
  if (!dir_.empty()) spec.argv.insert(spec.argv.end(), {"-C", dir_});
  spec.argv.insert(spec.argv.end(), args_.begin(), args_.end());
  spec.env = child_env(where_, discover_);
  if (where_ && !discover_) spec.chdir = top_level_of(*where_);
  Child child(spec);
  SpawnOutcome done = child.communicate(input_, SpawnClock::now() + timeout_, SpawnLimits{});
  if (done.timed_out)
    throw GitError(describe() + ": no answer within " + std::to_string(timeout_.count() / 1000) + " s; stopped");
  return GitResult{done.status(), std::move(done.out), std::move(done.err)};
}

std::string GitCommand::output() const {
  GitResult r = run();
  if (r.status != 0) {
    std::string why = r.err;
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
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

}  // namespace kg
