// Installing the git hooks: the thin scripts in hooks/, the folders git runs
// hooks from, and the install / uninstall steps that chain an existing hook
// instead of overwriting it. See docs/hooks.md.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "git/repo.h"

namespace kg {

// The hooks kabsd-guard installs. post-commit also runs after `git
// cherry-pick` and `git revert`, which run no pre-* hook; pre-applypatch
// runs for each patch of `git am`.
inline constexpr std::array<std::string_view, 8> kHookNames = {
    "pre-commit",    "pre-merge-commit", "pre-push",      "post-merge",
    "post-checkout", "post-rewrite",     "post-commit",   "pre-applypatch"};

// The hooks of a repository that receives pushes (a bare repository on a
// server): `kabsd-guard install` there, or `install --server DIR`. `update`
// defers to `pre-receive` when both are ours (docs/hooks.md).
inline constexpr std::array<std::string_view, 2> kServerHookNames = {"pre-receive", "update"};

// A hook that was in place before install: moved next to ours under this
// suffix and run first by ours with the same arguments and stdin.
inline constexpr std::string_view kChainedSuffix = ".kabsd-guard-chained";
// The line that identifies an installed script as kabsd-guard's.
inline constexpr std::string_view kHookMarker = "# kabsd-guard-managed-hook";

bool is_known_hook(std::string_view name);
// pre-* hooks refuse (non-zero exit); post-* hooks never fail.
bool is_pre_hook(std::string_view name);

// The script installed as hook `name`. `fallback_binary` is the absolute path
// of the kabsd-guard that installed it, tried when `kabsd-guard` is not on
// PATH; "" for none (the form kept in hooks/).
std::string hook_script(std::string_view name, std::string_view fallback_binary);
// True when `content` is a script written by hook_script.
bool is_managed_hook(std::string_view content);

// A folder git runs this clone's hooks from.
struct HooksDir {
  std::string path;  // absolute
  // "core.hooksPath" or "default" (<common dir>/hooks).
  std::string source;
};

// Where git looks for hooks: core.hooksPath when set (`~` expanded; a relative
// value is relative to each worktree's top, so one folder per worktree, or to
// the git dir of a bare repository), else `<common dir>/hooks`, shared by
// every worktree. The current worktree's folder comes first.
std::vector<HooksDir> hooks_dirs(const Repo& repo);

enum class HookAction {
  Installed,   // written where there was none
  Chained,     // the existing hook moved aside and run first by ours
  Updated,     // ours, rewritten (another version or binary path)
  Unchanged,   // ours, already byte-identical
  LeftAlone,   // already runs kabsd-guard some other way (see detail)
  Failed,      // not installed (see detail)
  Removed,     // uninstall: ours deleted
  Restored,    // uninstall: ours deleted, the chained hook put back
  NotInstalled // uninstall: nothing of ours there
};
std::string_view to_string(HookAction action);

struct HookOutcome {
  std::string name;
  std::string path;     // the hook file concerned
  HookAction action = HookAction::Unchanged;
  std::string chained;  // path of the chained earlier hook, "" when none
  std::string detail;   // a human explanation for LeftAlone / Failed / notes
};

// Installs every hook of kHookNames into `dir` (created when missing). Never
// overwrites a foreign hook: it is chained, or left alone when it runs
// kabsd-guard already (itself, or through the configuration of the manager
// that wrote it, read from the worktree `top`; "" for a bare repository).
// The scripts of managers that rewrite them (lefthook, husky,
// simple-git-hooks) are not chained: Failed, with what to add to their
// configuration. Idempotent.
std::vector<HookOutcome> install_hooks(const std::string& dir, std::string_view fallback_binary,
                                       const std::string& top = "");
// Removes what install_hooks added and puts chained hooks back (same bytes,
// same mode, same file). Leaves the folder itself.
std::vector<HookOutcome> uninstall_hooks(const std::string& dir);
// The same for kServerHookNames.
std::vector<HookOutcome> install_server_hooks(const std::string& dir, std::string_view fallback_binary);
std::vector<HookOutcome> uninstall_server_hooks(const std::string& dir);

// The absolute path this process was started as (argv[0] as exec saw it,
// symlinks kept), else /proc/self/exe; "" when neither is known. Call before
// changing directory.
std::string own_binary_path();

}  // namespace kg
