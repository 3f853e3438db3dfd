// The hook managers kabsd-guard meets in a hooks folder (pre-commit, prek,
// lefthook, husky, simple-git-hooks): recognising their scripts, and whether
// their configuration already runs kabsd-guard at a hook, so that install
// neither doubles a call nor chains a script the manager will rewrite, and
// status can tell which hooks still run kabsd-guard. See docs/hooks.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kg {

enum class HookManager { None, PreCommit, Prek, Lefthook, Husky, SimpleGitHooks };
std::string_view to_string(HookManager manager);

// The manager that wrote this hook script, from its first lines.
HookManager manager_of_script(std::string_view content);

// True when a line of the script that is not a comment runs kabsd-guard.
bool calls_kabsd_guard(std::string_view content);

// The configuration file (relative to `top`, the worktree) through which
// `manager`'s script at `hooks_dir`/`hook` runs kabsd-guard; "" when it does
// not. pre-commit and prek: .pre-commit-config.yaml with a hook whose id or
// entry names kabsd-guard and whose stages (or default_stages) include the
// hook. lefthook: lefthook.yml (and its other names) with a command naming
// kabsd-guard under the hook's key. husky: .husky/<hook> (the folder above
// hooks_dir) calling kabsd-guard. simple-git-hooks writes the command into
// the script itself: see calls_kabsd_guard.
std::string config_running_guard(HookManager manager, const std::string& top, const std::string& hooks_dir,
                                 std::string_view hook);

// True when a lefthook configuration file is in the worktree.
bool has_lefthook_config(const std::string& top);

// Warnings about managers configured in the worktree that would undo
// kabsd-guard's hooks when they next run: simple-git-hooks deletes every hook
// its configuration does not list (unless preserveUnused). `hooks` are the
// hooks kabsd-guard installs.
std::vector<std::string> manager_warnings(const std::string& top, const std::vector<std::string>& hooks);

}  // namespace kg
