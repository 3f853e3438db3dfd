// Does each git hook still run kabsd-guard? Another hook manager may have
// deleted kabsd-guard's script (simple-git-hooks), overwritten it, renamed it
// to <hook>.old (lefthook), or moved git to another folder with
// core.hooksPath (husky). `status --check`, `install` and the post-* hooks
// report what this finds. docs/hooks.md, "Is the guard on?".
#pragma once

#include <string>
#include <vector>

#include "git/repo.h"

namespace kg {

struct HookHealth {
  std::string name;
  std::string path;     // the hook file git runs
  bool runs = false;    // running this hook runs kabsd-guard
  std::string how;      // when it runs: through what ("kabsd-guard's script", "lefthook (lefthook.yml)", ...)
  std::string problem;  // when it does not: what happened to it
  std::string fix;      // when it does not: what to do
};

struct HooksHealth {
  // `kabsd-guard install` was run for this clone: it left its record, or one
  // of its scripts is in a hooks folder. Otherwise nothing is expected.
  bool installed = false;
  std::vector<std::string> dirs;      // where git runs hooks from now
  std::vector<std::string> recorded;  // where install wrote them
  std::vector<HookHealth> hooks;      // per folder of `dirs`, per installed hook
  bool all_run() const;
};

HooksHealth hooks_health(const Repo& repo);

// The record of where install wrote the hooks: <common dir>/kabsd-guard/hooks-installed.
// Returns "" or the error.
std::string record_hooks_installed(const Repo& repo, const std::vector<std::string>& dirs);
void forget_hooks_installed(const Repo& repo);
std::vector<std::string> recorded_hooks_dirs(const Repo& repo);

}  // namespace kg
