// Opening what libgit2 1.5 refuses to open: a repository owned by another
// user (git's `safe.directory` decides, as for git's own commands and
// hooks), and a repository in the sha256 object format (read through a
// SHA-1 mirror, sha1_mirror.h).
#pragma once

#include <git2.h>

#include <string>

namespace kg {

// libgit2 refused the repository at `dir` ("" = as found from the
// environment), or found none: for its owner, libgit2 1.5 may say either.
// git decides (safe.directory, `*` included; an explicit GIT_DIR, as in a
// hook). Returns true when git accepts the repository, false when git
// finds none either; throws GitError with git's own words ("detected
// dubious ownership ... git config --global --add safe.directory DIR")
// when git refuses it for its owner.
bool git_trusts(const std::string& dir, const std::string& libgit2_message);

// git_repository_open_ext with libgit2's ownership check off: for a
// repository git has vouched for.
int open_trusted(git_repository** out, const char* path, unsigned flags);

// True when libgit2 failed (`rc` < 0) to open a repository because of its
// object format (sha256): git reads it then (sha1_mirror.h).
bool unreadable_format(int rc);

}  // namespace kg
