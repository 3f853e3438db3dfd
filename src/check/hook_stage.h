// Which git hook `kabsd-guard hook auto` is running for, under a hook
// framework (pre-commit 3.x/4.x, prek) that runs one entry for every stage.
// The frameworks start their hooks from `<framework> hook-impl
// --hook-type=NAME -- ARGS...` (the script they install), so the parent
// processes say which hook git ran; the PRE_COMMIT_* variables they export
// are a second source. When neither tells, the stage is unknown and the
// caller must not guess (docs/hooks.md).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace kg {

struct HookStage {
  // A git hook name ("pre-commit", "post-merge", ...), "manual" (`pre-commit
  // run --hook-stage manual`), or "" when it cannot be told.
  std::string name;
  // git's arguments to that hook, when known ("" entries kept).
  std::vector<std::string> args;
  // Where the answer came from, for messages: "pre-commit hook-impl",
  // "prek run", "PRE_COMMIT_CHECKOUT_TYPE", ...
  std::string source;
};

// The 4.x name for a stage name of pre-commit < 3.2 ("commit" ->
// "pre-commit", "push" -> "pre-push", "merge-commit" -> "pre-merge-commit");
// other names unchanged.
std::string modern_stage_name(const std::string& stage);

// Pure: the stage from the command lines of the parent processes (nearest
// first; each one argv) and the environment (`env(name)` is "" when unset).
HookStage detect_hook_stage(const std::vector<std::vector<std::string>>& ancestors,
                            const std::function<std::string(const char*)>& env);

// The argv of up to `depth` parent processes of this one, nearest first,
// from /proc; shorter when /proc cannot be read.
std::vector<std::vector<std::string>> parent_command_lines(int depth);

}  // namespace kg
