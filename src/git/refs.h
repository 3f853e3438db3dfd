// The trees at every branch tip: what a clone's branches hold right now.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "git/object.h"
#include "git/repo.h"

namespace kg {

// The trees of HEAD (named "HEAD"; left out while unborn), every local branch
// (refs/heads/...) and every remote-tracking branch (refs/remotes/...), in
// that order, branches sorted by name. A tree reached by several refs is
// listed once, under the first of them. Refs that do not peel to a tree are
// skipped.
std::vector<std::pair<std::string, Tree>> ref_trees(const Repo& repo);

// The message of HEAD's newest reflog entry ("commit: ...", "cherry-pick:
// ...", "commit (amend): ...", "rebase (pick): ..."): what last moved HEAD.
// "" when there is no reflog or it cannot be read.
std::string head_reflog_message(const Repo& repo);

}  // namespace kg
