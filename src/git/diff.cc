#include "git/diff.h"

#include <chrono>
#include <exception>
#include <string>
#include <thread>

#include "git/error.h"
#include "git/git_process.h"

namespace kg {

namespace {

// git_diff_options that point into `specs`/`pointers`, which must outlive it.
struct DiffSetup {
  std::vector<std::string> specs;
  std::vector<char*> pointers;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  std::string current;  // the file being compared (libgit2's progress callback)

  explicit DiffSetup(const DiffOptions& o) {
    for (const std::string& p : o.paths) {
      std::string spec(trim_slashes(p));
      if (spec.empty()) {  // the root: no restriction at all
        specs.clear();
        break;
      }
      specs.push_back(std::move(spec));
    }
    for (std::string& s : specs) pointers.push_back(s.data());
    options.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH | GIT_DIFF_SKIP_BINARY_CHECK;
    if (o.include_untracked) {
      options.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
    }
    if (o.include_ignored) options.flags |= GIT_DIFF_INCLUDE_IGNORED | GIT_DIFF_RECURSE_IGNORED_DIRS;
    options.pathspec.strings = pointers.data();
    options.pathspec.count = pointers.size();
    // libgit2's errors while hashing a file do not name it: remember it.
    options.progress_cb = [](const git_diff*, const char* old_path, const char* new_path, void* payload) {
      *static_cast<std::string*>(payload) = new_path ? new_path : old_path ? old_path : "";
      return 0;
    };
    options.payload = &current;
  }
  // " (at PATH)" when a file was being compared.
  std::string at() const { return current.empty() ? std::string() : " (at " + current + ")"; }
  DiffSetup(const DiffSetup&) = delete;
  DiffSetup& operator=(const DiffSetup&) = delete;
};

int rename_limit(const Repo& repo) {
  // libgit2 1.5.1 defaults to 200 candidates; git to 1000.
  try {
    if (std::optional<std::string> v = repo.config_string("diff.renameLimit")) {
      return std::stoi(*v);
    }
  } catch (const std::exception&) {
  }
  return 1000;
}

std::vector<Change> collect(const Repo& repo, DiffPtr diff, const DiffOptions& options) {
  if (options.find_renames) {
    git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
    find.flags = GIT_DIFF_FIND_RENAMES;
    if (options.include_untracked) find.flags |= GIT_DIFF_FIND_FOR_UNTRACKED;
    find.rename_limit = static_cast<size_t>(rename_limit(repo));
    check(git_diff_find_similar(diff.get(), &find), "detecting renames");
  }
  std::vector<Change> changes;
  const size_t count = git_diff_num_deltas(diff.get());
  for (size_t i = 0; i < count; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    Change c;
    switch (d->status) {
      case GIT_DELTA_ADDED:
      case GIT_DELTA_UNTRACKED:
      case GIT_DELTA_COPIED:
        c.status = Change::Status::Added;
        break;
      case GIT_DELTA_DELETED:
        c.status = Change::Status::Deleted;
        break;
      case GIT_DELTA_RENAMED:
        c.status = Change::Status::Renamed;
        break;
      case GIT_DELTA_CONFLICTED:
        c.status = Change::Status::Conflicted;
        break;
      case GIT_DELTA_MODIFIED:
      case GIT_DELTA_TYPECHANGE:
      case GIT_DELTA_UNREADABLE:
        c.status = Change::Status::Modified;
        break;
      case GIT_DELTA_IGNORED:
        if (!options.include_ignored) continue;
        c.status = Change::Status::Added;
        break;
      default:  // unmodified
        continue;
    }
    c.old_path = d->old_file.path ? d->old_file.path : d->new_file.path;
    c.new_path = d->new_file.path ? d->new_file.path : d->old_file.path;
    if (c.status == Change::Status::Added && d->status == GIT_DELTA_COPIED) c.old_path = c.new_path;
    changes.push_back(std::move(c));
  }
  return changes;
}

// A working-tree diff hashes files that another process (git add, git
// reset, an editor) may be rewriting: libgit2 then fails ("error reading
// file for hashing"). Such a race is retried a few times before it is an
// error that says what happened.
template <typename Diff>
std::vector<Change> with_retries(const DiffOptions& options, Diff&& diff) {
  constexpr int kAttempts = 4;
  for (int attempt = 1;; ++attempt) {
    try {
      return diff();
    } catch (const GitError& e) {
      // Only what a file changing under the read causes is retried.
      const std::string_view what = e.what();
      const bool race = what.find("hashing") != std::string_view::npos ||
                        what.find("No such file") != std::string_view::npos ||
                        what.find("failed to stat") != std::string_view::npos ||
                        what.find("failed to read") != std::string_view::npos;
      if (!race) throw;
      if (attempt == kAttempts) {
        std::string where;
        for (const std::string& p : options.paths) where += (where.empty() ? " below " : ", ") + p;
        throw GitError("the working tree" + where + " kept changing while it was read (" +
                           std::to_string(kAttempts) + " attempts): " + e.what(),
                       e.code());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt * attempt));
    }
  }
}

}  // namespace

std::vector<Change> diff_trees(const Repo& repo, const std::optional<Tree>& old_tree,
                               const std::optional<Tree>& new_tree, const DiffOptions& options) {
  DiffSetup setup(options);
  git_diff* raw = nullptr;
  check(git_diff_tree_to_tree(&raw, repo.raw(), old_tree ? old_tree->raw() : nullptr,
                              new_tree ? new_tree->raw() : nullptr, &setup.options),
        "diffing trees");
  return collect(repo, DiffPtr(raw), options);
}

std::vector<Change> diff_tree_to_index(const Repo& repo, const std::optional<Tree>& old_tree,
                                       const IndexView& index, const DiffOptions& options) {
  DiffSetup setup(options);
  git_diff* raw = nullptr;
  check(git_diff_tree_to_index(&raw, repo.raw(), old_tree ? old_tree->raw() : nullptr,
                               index.raw(), &setup.options),
        "diffing a tree to the index");
  return collect(repo, DiffPtr(raw), options);
}

// diff_index_to_workdir by git, for an index git read (split or sparse):
// libgit2 would compare every file's contents (the copy has no stat data),
// git compares stat data first.
static std::vector<Change> index_to_workdir_by_git(const Repo& repo, const DiffOptions& options) {
  std::vector<std::string> paths;
  for (const std::string& p : options.paths) {
    std::string spec(trim_slashes(p));
    if (spec.empty()) {
      paths.clear();
      break;
    }
    paths.push_back(std::move(spec));
  }
  auto command = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "--literal-pathspecs");
    args.push_back("--");
    args.insert(args.end(), paths.begin(), paths.end());
    return GitCommand(std::move(args)).at(repo.location()).output();
  };
  // `git status` refreshes stat data in memory (GIT_OPTIONAL_LOCKS=0: it
  // writes nothing) where `git diff-files` would call a touched file
  // modified. "XY PATH\0" per file; skip-worktree entries are not listed.
  std::vector<std::string> args{"status", "--porcelain=v1", "-z", "--no-renames"};
  const bool others = options.include_untracked || options.include_ignored;
  args.push_back(others ? "--untracked-files=all" : "--untracked-files=no");
  args.push_back(options.include_ignored ? "--ignored=traditional" : "--ignored=no");
  std::vector<Change> changes;
  const std::string out = command(args);  // split_z points into it
  for (std::string_view entry : split_z(out)) {
    if (entry.size() < 4 || entry[2] != ' ') throw GitError("git status: unexpected output");
    const std::string_view xy = entry.substr(0, 2);
    Change c;
    if (xy == "??" || xy == "!!") {
      c.status = Change::Status::Added;
    } else if (xy[0] == 'U' || xy[1] == 'U' || xy == "AA" || xy == "DD") {
      c.status = Change::Status::Conflicted;
    } else if (xy[1] == 'D') {
      c.status = Change::Status::Deleted;
    } else if (xy[1] != ' ') {
      c.status = Change::Status::Modified;
    } else {
      continue;  // staged only: the working tree matches the index
    }
    c.old_path = c.new_path = std::string(entry.substr(3));
    changes.push_back(std::move(c));
  }
  return changes;
}

std::vector<Change> diff_index_to_workdir(const Repo& repo, const DiffOptions& options) {
  if (repo.is_bare()) throw GitError("a bare repository has no working tree");
  return with_retries(options, [&] {
    DiffSetup setup(options);
    IndexPtr index = repo.index();
    if (repo.index_from_git() && !options.find_renames) return index_to_workdir_by_git(repo, options);
    git_diff* raw = nullptr;
    const int rc = git_diff_index_to_workdir(&raw, repo.raw(), index.get(), &setup.options);
    check(rc, "diffing the index to the working tree" + setup.at());
    return collect(repo, DiffPtr(raw), options);
  });
}

std::vector<Change> diff_tree_to_workdir(const Repo& repo, const std::optional<Tree>& old_tree,
                                         const DiffOptions& options) {
  if (repo.is_bare()) throw GitError("a bare repository has no working tree");
  return with_retries(options, [&] {
    DiffSetup setup(options);
    IndexPtr index = repo.index();  // makes GIT_INDEX_FILE the repository's index
    git_diff* raw = nullptr;
    const int rc = git_diff_tree_to_workdir_with_index(&raw, repo.raw(), old_tree ? old_tree->raw() : nullptr,
                                                       &setup.options);
    check(rc, "diffing a tree to the working tree" + setup.at());
    std::vector<Change> changes = collect(repo, DiffPtr(raw), options);
    // A skip-worktree entry (sparse checkout) is unchanged, as git sees it:
    // not deleted, and so not the old side of a rename.
    std::erase_if(changes, [&](const Change& c) {
      const git_index_entry* e = git_index_get_bypath(index.get(), c.old_path.c_str(), 0);
      if (e == nullptr) git_error_clear();
      return e != nullptr && (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0;
    });
    return changes;
  });
}

}  // namespace kg
