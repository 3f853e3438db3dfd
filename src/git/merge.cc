#include "git/merge.h"

#include "git/error.h"

namespace kg {

IndexView merge_in_memory(const Repo& repo, const Commit& ours, const Commit& theirs) {
  git_merge_options options = GIT_MERGE_OPTIONS_INIT;
  options.flags = GIT_MERGE_FIND_RENAMES;
  git_index* raw = nullptr;
  check(git_merge_commits(&raw, repo.raw(), ours.raw(), theirs.raw(), &options),
        "merging " + ours.hex() + " and " + theirs.hex());
  return IndexView(repo, IndexPtr(raw));
}

std::optional<Commit> merge_base(const Repo& repo, const Commit& a, const Commit& b) {
  git_oid base{};
  int rc = git_merge_base(&base, repo.raw(), &a.id(), &b.id());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::nullopt;
  }
  check(rc, "finding the merge base of " + a.hex() + " and " + b.hex());
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, repo.raw(), &base), "reading commit " + to_hex(base));
  return Commit(CommitPtr(raw));
}

}  // namespace kg
