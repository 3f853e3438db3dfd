// What a check compares: a new snapshot of the backlog and its baseline.
// The comparisons themselves are made by check/snapshot.h's `compare`.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "check/backlog.h"
#include "check/sources.h"
#include "git/object.h"
#include "git/repo.h"
#include "model/duplicates.h"

namespace kg {

// How much of its two snapshots a comparison holds.
enum class Coverage {
  // Every item: a scan of both.
  Whole,
  // Through the claim index: every claimant of the IDs and uids that matter,
  // with `in_use` and `now_size` for the rest. Reports what Whole reports.
  Claimants,
  // Only the changed files and the items claiming their IDs, without
  // `in_use` or config findings: tells whether anything is wrong, not how
  // to report it (then compare again with Engine::Scan).
  Nearby,
};

struct Comparison {
  Backlog now;
  std::optional<Backlog> baseline;  // none: everything counts as introduced
  // New path -> old path for renamed files, computed on demand.
  std::function<Renames()> renames;
  Coverage coverage = Coverage::Whole;
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

}  // namespace kg
