// The sibling worktrees of a clone: the main worktree and every linked one
// (`git worktree add`), so their files can be scanned too.
#pragma once

#include <string>
#include <vector>

#include "git/repo.h"

namespace kg {

// The absolute working-directory paths of every worktree of `repo`'s clone
// except `repo`'s own: the main worktree (none for a bare clone) first, then
// the linked ones by name. Worktrees whose folder is gone (prunable), whose
// admin files are broken, or that do not open as part of this clone are
// left out.
std::vector<std::string> other_worktrees(const Repo& repo);

}  // namespace kg
