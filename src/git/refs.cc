#include "git/refs.h"

#include <algorithm>
#include <set>

#include "git/error.h"

namespace kg {

namespace {

// The names of the local or remote-tracking branches, sorted.
std::vector<std::string> branch_names(const Repo& repo, git_branch_t kind) {
  git_branch_iterator* raw = nullptr;
  check(git_branch_iterator_new(&raw, repo.raw(), kind), "listing branches");
  BranchIteratorPtr it(raw);
  std::vector<std::string> names;
  for (;;) {
    git_reference* ref = nullptr;
    git_branch_t type = GIT_BRANCH_LOCAL;
    int rc = git_branch_next(&ref, &type, it.get());
    if (rc == GIT_ITEROVER) {
      git_error_clear();
      break;
    }
    check(rc, "listing branches");
    ReferencePtr owned(ref);
    names.emplace_back(git_reference_name(ref));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The tree a ref finally points to; nullopt when it dangles or is no commit/tree.
std::optional<Tree> tree_of(const Repo& repo, const std::string& name) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo.raw(), name.c_str()) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  ReferencePtr ref(raw);
  git_object* peeled = nullptr;
  if (git_reference_peel(&peeled, ref.get(), GIT_OBJECT_TREE) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  return Tree(TreePtr(reinterpret_cast<git_tree*>(peeled)));
}

}  // namespace

std::vector<std::pair<std::string, Tree>> ref_trees(const Repo& repo) {
  std::vector<std::string> names;
  names.emplace_back("HEAD");
  for (git_branch_t kind : {GIT_BRANCH_LOCAL, GIT_BRANCH_REMOTE}) {
    std::vector<std::string> branches = branch_names(repo, kind);
    names.insert(names.end(), branches.begin(), branches.end());
  }
  std::vector<std::pair<std::string, Tree>> out;
  std::set<std::string> seen;  // tree ids
  for (const std::string& name : names) {
    std::optional<Tree> tree = tree_of(repo, name);
    if (tree && seen.insert(tree->hex()).second) out.emplace_back(name, std::move(*tree));
  }
  return out;
}

namespace {
using ReflogPtr = std::unique_ptr<git_reflog, GitFree<&git_reflog_free>>;
}  // namespace

std::string head_reflog_message(const Repo& repo) {
  git_reflog* raw = nullptr;
  if (git_reflog_read(&raw, repo.raw(), "HEAD") != 0) return "";
  ReflogPtr reflog(raw);
  if (git_reflog_entrycount(reflog.get()) == 0) return "";
  const git_reflog_entry* entry = git_reflog_entry_byindex(reflog.get(), 0);  // the newest
  const char* message = entry ? git_reflog_entry_message(entry) : nullptr;
  return message ? message : "";
}

}  // namespace kg
