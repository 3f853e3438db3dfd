// Errors raised by the git layer. Every failing libgit2 call becomes a
// GitError carrying git_error_last()'s message.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace kg {

class GitError : public std::runtime_error {
 public:
  explicit GitError(const std::string& message, int code = -1)
      : std::runtime_error(message), code_(code) {}
  // The libgit2 error code (GIT_ENOTFOUND, ...), -1 when not from libgit2.
  int code() const { return code_; }

 private:
  int code_;
};

// No repository where one was looked for (git's "not a git repository").
class NotARepository : public GitError {
 public:
  using GitError::GitError;
};

// An object neither libgit2 nor git can read: a partial clone that cannot
// reach its promisor remote, a damaged object store.
class UnreadableObject : public GitError {
 public:
  using GitError::GitError;
};

// git_error_last()'s message, or a generic one naming `code`.
std::string last_git_error(int code);

// Throws GitError("<what>: <libgit2 message>") when `rc` < 0.
void check(int rc, std::string_view what);

}  // namespace kg
