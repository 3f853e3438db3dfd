// The second engine: the `git` binary. Every spawn of git in kabsd-guard
// goes through this module: an argument vector (never a shell), the
// repository named explicitly (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, so
// neither the current directory nor a hook's environment can point git
// elsewhere), GIT_OPTIONAL_LOCKS=0 (a read never takes index.lock), a
// timeout, and stderr captured into the error. Used where libgit2 1.5 cannot
// read something (a split or sparse index, objects a partial clone has not
// fetched, ownership rules); see docs/architecture.md, "Two engines".
//
// Three entry points, one module: GitCommand (git_command.cc) and
// CatFileBatch (cat_file_batch.cc) read through git plumbing where libgit2
// cannot (issue 14); run_git (run_git.cc) is the transport of the remote
// sequence ref (fetch, push; issue 17), with a timeout that kills git's
// whole process group. All three start git through one Child (spawn.h);
// the environment of a located git is git_env.h's. Nothing else in
// kabsd-guard spawns git.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kg {

// Where git should look: a repository's git dir, its working tree ("" for
// a bare one) and an index file (nullopt: the worktree's own).
struct GitLocation {
  std::string git_dir;
  std::string work_tree;
  std::optional<std::string> index_file;
  // The repository the environment names (Repo::open_from_env): its
  // GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES apply.
  bool from_env = false;
};

struct GitResult {
  int status = 0;    // the exit status (128 + signal when killed)
  std::string out;   // stdout
  std::string err;   // stderr
};

class GitCommand {
 public:
  // `args` follow "git": {"ls-files", "--stage", "-z"}.
  explicit GitCommand(std::vector<std::string> args);

  // Runs in this repository. Without it git finds the repository as it
  // would from the current directory and the inherited environment.
  GitCommand& at(const GitLocation& where);
  // Runs in folder `dir` (git's -C).
  GitCommand& in_dir(const std::string& dir);
  // Runs in folder `dir` with git finding the repository there by itself:
  // the environment's GIT_DIR and the like are removed.
  GitCommand& discover_in(const std::string& dir);
  GitCommand& input(std::string data);
  GitCommand& timeout(std::chrono::milliseconds limit);

  // Runs git. Throws GitError when it cannot be started or runs past the
  // timeout (then it is killed); a non-zero exit is returned.
  GitResult run() const;
  // run(), and throws GitError("git <args>: <stderr>") unless it exits 0.
  std::string output() const;
  // "git ls-files --stage -z", for messages.
  std::string describe() const;

 private:
  std::vector<std::string> args_;
  std::optional<GitLocation> where_;
  std::string dir_;
  bool discover_ = false;
  std::string input_;
  std::chrono::milliseconds timeout_{std::chrono::seconds(120)};
};

// `git cat-file --batch` kept running: objects by id or by any revision
// expression git understands (`HEAD:path`, `:path` for the index). In a
// partial clone git fetches a missing blob from the promisor remote, as
// `git grep` does. One per repository and thread; not thread-safe.
class CatFileBatch {
 public:
  struct Object {
    std::string type;  // "blob", "tree", "commit", "tag"
    std::string data;
  };

  explicit CatFileBatch(const GitLocation& where);
  CatFileBatch(const CatFileBatch&) = delete;
  CatFileBatch& operator=(const CatFileBatch&) = delete;
  ~CatFileBatch();

  // nullopt when git says the object is missing (and could not fetch it).
  // Throws GitError when git fails or stops answering within the timeout.
  std::optional<Object> read(std::string_view name);

 private:
  struct Process;
  std::unique_ptr<Process> process_;
  GitLocation where_;
};

// ---------------------------------------------------------------------------
// run_git: the transport of the remote sequence ref (fetch, push) goes
// through git itself, so credentials, ssh config and proxies work as the
// user set them up.

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

// Splits git's -z output into its NUL-terminated records.
std::vector<std::string_view> split_z(std::string_view out);

}  // namespace kg
