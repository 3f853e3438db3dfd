// Where and with which environment git runs when kabsd-guard names the
// repository: internal to the git_process module.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "git/git_process.h"

namespace kg {

// Our environment without what could point git elsewhere (GIT_DIR and the
// like, dropped when `where` is given or git is to `discover` the
// repository), plus `where` as absolute GIT_DIR/GIT_WORK_TREE/GIT_INDEX_FILE,
// GIT_OPTIONAL_LOCKS=0 and GIT_TERMINAL_PROMPT=0.
std::vector<std::string> child_env(const std::optional<GitLocation>& where, bool discover);

// Where git starts when told the repository: its top level (the git dir
// when bare), as git itself runs hooks. From a subfolder, git would read
// pathspecs relative to it and `ls-files` would list only that folder.
std::string top_level_of(const GitLocation& where);

}  // namespace kg
