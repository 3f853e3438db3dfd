#include "git/ownership.h"

#include <chrono>

#include "git/error.h"
#include "git/git_process.h"

namespace kg {

bool git_trusts(const std::string& dir, const std::string& libgit2_message) {
  GitCommand ask({"rev-parse", "--git-dir"});
  if (!dir.empty()) ask.discover_in(dir);
  GitResult r;
  try {
    r = ask.timeout(std::chrono::seconds(30)).run();
  } catch (const GitError&) {
    return false;  // no git to ask: libgit2's answer stands
  }
  if (r.status == 0) return true;
  if (r.err.find("safe.directory") == std::string::npos) return false;
  std::string said = r.err;
  while (!said.empty() && said.back() == '\n') said.pop_back();
  if (said.rfind("fatal: ", 0) == 0) said.erase(0, 7);
  throw GitError(said.empty() ? libgit2_message : said, GIT_EOWNER);
}

int open_trusted(git_repository** out, const char* path, unsigned flags) {
  int validating = 1;
  git_libgit2_opts(GIT_OPT_GET_OWNER_VALIDATION, &validating);
  git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
  int rc = git_repository_open_ext(out, path, flags, nullptr);
  git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, validating);
  return rc;
}

bool unreadable_format(int rc) {
  const git_error* e = git_error_last();
  return rc < 0 && e != nullptr && e->message != nullptr && std::string(e->message).find("objectformat") != std::string::npos;
}

}  // namespace kg
