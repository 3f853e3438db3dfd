#include "git/error.h"

#include <git2.h>

namespace kg {

std::string last_git_error(int code) {
  const git_error* e = git_error_last();
  if (e != nullptr && e->message != nullptr && e->message[0] != '\0') return e->message;
  return "libgit2 error " + std::to_string(code);
}

void check(int rc, std::string_view what) {
  if (rc >= 0) return;
  std::string message(what);
  message += ": ";
  message += last_git_error(rc);
  git_error_clear();
  throw GitError(message, rc);
}

}  // namespace kg
