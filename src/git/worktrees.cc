#include "git/worktrees.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>

#include "git/error.h"
#include "git/git_process.h"
#include "git/handles.h"

namespace kg {

namespace fs = std::filesystem;

namespace {

std::string canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::canonical(path, ec);
  return ec ? std::string() : p.string();
}

// `path` when it is a working tree of the clone whose common dir is `common`.
std::optional<std::string> verified_worktree(const std::string& path, const std::string& common) {
  std::error_code ec;
  if (path.empty() || !fs::is_directory(path, ec)) return std::nullopt;
  try {
    Repo repo = Repo::open(path);
    if (repo.is_bare() || canonical(repo.common_dir()) != common) return std::nullopt;
    return canonical(repo.workdir());
  } catch (const GitError&) {
    git_error_clear();
    return std::nullopt;
  }
}

std::vector<std::string> linked_worktree_paths(const Repo& repo) {
  GitStrArray names;
  check(git_worktree_list(&names.array, repo.raw()), "listing worktrees");
  // git_worktree_list returns readdir order.
  std::vector<std::string> sorted(names.array.strings, names.array.strings + names.array.count);
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> paths;
  for (const std::string& name : sorted) {
    git_worktree* raw = nullptr;
    if (git_worktree_lookup(&raw, repo.raw(), name.c_str()) < 0) {
      git_error_clear();
      continue;
    }
    WorktreePtr worktree(raw);
    if (git_worktree_validate(worktree.get()) < 0) {  // missing folder or gitdir
      git_error_clear();
      continue;
    }
    if (const char* path = git_worktree_path(worktree.get())) paths.emplace_back(path);
  }
  return paths;
}

// Every worktree git lists (`git worktree list --porcelain -z`), the main one
// first unless the clone is bare: for a sha256 repository, whose libgit2
// handle is its SHA-1 mirror (sha1_mirror.h), which has no worktrees.
std::vector<std::string> worktree_paths_from_git(const Repo& repo) {
  const std::string out = GitCommand({"worktree", "list", "--porcelain", "-z"}).at(repo.location()).output();
  std::vector<std::string> paths;
  std::string path;
  bool skip = false;
  size_t p = 0;
  while (p < out.size()) {
    size_t end = out.find('\0', p);
    if (end == std::string::npos) end = out.size();
    const std::string_view field(out.data() + p, end - p);
    p = end + 1;
    if (field.starts_with("worktree ")) {
      path = field.substr(9);
      skip = false;
    } else if (field == "bare" || field.starts_with("prunable")) {
      skip = true;
    } else if (field.empty()) {  // the end of one worktree's record
      if (!path.empty() && !skip) paths.push_back(path);
      path.clear();
    }
  }
  if (!path.empty() && !skip) paths.push_back(path);
  return paths;
}

}  // namespace

std::vector<std::string> other_worktrees(const Repo& repo) {
  const std::string common = canonical(repo.common_dir());
  const std::string self = repo.is_bare() ? std::string() : canonical(repo.workdir());

  std::vector<std::string> candidates;
  if (repo.sha256()) {
    candidates = worktree_paths_from_git(repo);
  } else {
    // The main worktree is the one the common dir itself belongs to.
    try {
      Repo main = Repo::open(repo.common_dir());
      if (!main.is_bare()) candidates.push_back(main.workdir());
    } catch (const GitError&) {
      git_error_clear();
    }
    for (std::string& path : linked_worktree_paths(repo)) candidates.push_back(std::move(path));
  }

  std::vector<std::string> out;
  for (const std::string& candidate : candidates) {
    std::optional<std::string> path = verified_worktree(candidate, common);
    if (!path || *path == self) continue;
    bool duplicate = false;
    for (const std::string& known : out) duplicate = duplicate || known == *path;
    if (!duplicate) out.push_back(std::move(*path));
  }
  return out;
}

}  // namespace kg
