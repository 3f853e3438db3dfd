// What a check compares: a new snapshot of the backlog and its baseline, for
// each mode of `kabsd-guard check` and each hook.
#pragma once

#include <functional>
#include <memory>
#include <map>
#include <optional>
#include <string>

#include "check/backlog.h"
#include "check/sources.h"
#include "git/object.h"
#include "git/repo.h"
#include "model/duplicates.h"

namespace kg {

struct Comparison {
  Backlog now;
  std::optional<Backlog> baseline;  // none: everything counts as introduced
  // New path -> old path for renamed files, computed on demand.
  std::function<Renames()> renames;
  // Set by the comparisons through the claim index, whose snapshots hold
  // only the items that matter: every claimant of the IDs they report, and
  // here the highest numbers in use in either snapshot, for suggestions.
  std::optional<Highest> in_use;
  // ...and how many items `now`'s whole snapshot has.
  std::optional<size_t> now_size;
};

// `renames`, computed at most once however often it is asked for (a rename
// diff can cost more than the whole rule). Empty stays empty.
std::function<Renames()> remembered(std::function<Renames()> renames);

// Renames between `head` (none: the empty tree) and the working tree,
// untracked files included, below the product roots of `now` and `was`.
Renames worktree_renames(const Repo& repo, const std::optional<Tree>& head, const Config& now, const Config& was);

// The index git would use (GIT_INDEX_FILE) against HEAD, or the empty tree
// when HEAD is unborn. Also what pre-merge-commit sees: the merge result in
// the index against the HEAD being merged into.
Comparison compare_staged(const Repo& repo, const ScanOptions& scan);
// compare_staged for the pre-commit hook, without reading what did not
// change: the backlog paths that differ between HEAD and the index decide
// which IDs can be introduced, and only the items claiming those IDs are
// read. Its snapshots hold just those items (and no config findings): use
// it to learn whether anything is wrong, then compare_staged to report it.
// nullopt when it cannot tell (unborn HEAD, conflicts, a config change).
std::optional<Comparison> compare_staged_changes(const Repo& repo, const ScanOptions& scan);
// compare_staged_changes through the claim index (check/claims.h): reads
// the index file and only the folders it changed, and looks up who else
// claims the IDs those files claim. Its snapshots hold every claimant of
// those IDs and it sets `in_use`, so it can report what it finds (only
// prefix mismatches are left to full scans). nullopt when that cannot tell (no
// cache, unborn HEAD, conflicts, config or product changes, symlinks,
// possible renames, an index format it does not read).
std::optional<Comparison> compare_staged_fast(const Repo& repo, const ScanOptions& scan);
// compare_commits the same way, for hooks that look at what a merge or a
// rewrite brought in: the new commit's snapshot and the files that changed.
std::optional<Comparison> compare_commits_fast(const Repo& repo, const ScanOptions& scan, const Commit& base,
                                               const Commit& head);
// compare_commits_fast with the claim index kept at `base`, not moved to
// `head`: for the server's pre-receive hook, where `head` may be refused
// and its objects dropped, while `base` (the branch's old tip, the default
// branch) stays, so the next push starts warm.
std::optional<Comparison> compare_commits_fast_from_base(const Repo& repo, const ScanOptions& scan, const Commit& base,
                                                         const Commit& head);
// compare_commits(repo, scan, nullopt, commit) through the claim index: the
// commit's snapshot holds only the items a whole-tree check reports (every
// claimant of a shared ID or uid, every file with a finding) and the
// symlink findings, with `in_use` and `now_size` for the rest; the report
// is the same. The index then holds this commit. nullopt when the cache is
// off, the commit has no backlog, or a blob cannot be read.
std::optional<Comparison> scan_commit_fast(const Repo& repo, const ScanOptions& scan, const Commit& commit);
// The working-tree files against HEAD.
Comparison compare_worktree(const Repo& repo, const ScanOptions& scan);
// Two commits; `base` may be absent (then nothing is a baseline).
Comparison compare_commits(const Repo& repo, const ScanOptions& scan, const std::optional<Commit>& base,
                           const Commit& head);
// Would merging `ours` into `target` introduce a duplicate? The real merge
// result, computed in memory, against `target`.
Comparison compare_merge(const Repo& repo, const ScanOptions& scan, const Commit& ours, const Commit& target);

}  // namespace kg
