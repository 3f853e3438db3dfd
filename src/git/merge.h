// Merging two commits in memory, as `git merge` would, without touching the
// working tree or the index: to see what a merge would contain.
#pragma once

#include <optional>

#include "git/index_view.h"
#include "git/object.h"
#include "git/repo.h"

namespace kg {

// The merge result of `ours` and `theirs` (rename detection on, recursive
// merge base for criss-cross histories). Conflicted paths appear as their
// stage 2 and stage 3 entries. The working tree, the index and refs are left
// alone; cleanly auto-merged file contents are written to the object
// database as loose blobs (as `git merge-tree` does).
IndexView merge_in_memory(const Repo& repo, const Commit& ours, const Commit& theirs);

// The best common ancestor; nullopt for unrelated histories.
std::optional<Commit> merge_base(const Repo& repo, const Commit& a, const Commit& b);

}  // namespace kg
