#include "check/hook_health.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "check/hook_install.h"
#include "check/hook_managers.h"
#include "util/files.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

constexpr size_t kScriptLimit = 1 << 20;

std::string record_path(const Repo& repo) { return path_join(repo.common_dir(), "kabsd-guard/hooks-installed"); }

// The script's first MiB, following a symlink as git does; nullopt when it
// is missing, unreadable or not a regular file at the end.
std::optional<std::string> read_script(const std::string& path) {
  return read_regular_prefix_following(path, kScriptLimit);
}

bool ours_at(const std::string& path) {
  auto content = read_script(path);
  return content && is_managed_hook(*content);
}

bool exists_at(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

// Why a hook script could not be read: it is gone, or what is there.
std::string unreadable_why(const std::string& path) {
  if (!exists_at(path)) return "deleted";
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return "a dangling symlink";
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  return "unreadable";
}

std::string lefthook_fix(const std::string& hook) {
  return "add kabsd-guard to lefthook.yml (" + hook + ": commands: kabsd-guard: run: kabsd-guard hook " + hook +
         " ...; docs/hooks.md), then run 'lefthook install'";
}

HookHealth health_of(const std::string& top, const std::string& dir, const std::string& name) {
  HookHealth h;
  h.name = name;
  h.path = path_join(dir, name);
  auto content = read_script(h.path);
  if (!content) {
    h.problem = unreadable_why(h.path);
    h.fix = "run 'kabsd-guard install'";
    return h;
  }
  if (::access(h.path.c_str(), X_OK) != 0) {
    h.problem = "not executable: git skips it";
    h.fix = "chmod +x " + h.path + ", or run 'kabsd-guard install'";
    return h;
  }
  if (is_managed_hook(*content)) {
    h.runs = true;
    h.how = "kabsd-guard's script";
    return h;
  }
  HookManager manager = manager_of_script(*content);
  std::string who(to_string(manager));
  if ((manager == HookManager::PreCommit || manager == HookManager::Prek) && ours_at(h.path + ".legacy")) {
    h.runs = true;
    h.how = who + "'s script, which runs kabsd-guard's as " + name + ".legacy";
    if (std::string config = config_running_guard(manager, top, dir, name); !config.empty())
      h.how += ", and kabsd-guard again from " + config + ": twice ('kabsd-guard install' removes the .legacy)";
    return h;
  }
  std::string config = config_running_guard(manager, top, dir, name);
  if (!config.empty()) {
    h.runs = true;
    h.how = who + " (" + config + ")";
    return h;
  }
  if (calls_kabsd_guard(*content)) {
    h.runs = true;
    h.how = manager == HookManager::None ? "a script that calls kabsd-guard" : who + "'s script, which calls kabsd-guard";
    return h;
  }
  switch (manager) {
    case HookManager::Lefthook:
      h.problem = ours_at(h.path + ".old") ? "lefthook renamed kabsd-guard's script to " + name +
                                                 ".old, which it never runs"
                                           : "overwritten by lefthook, whose configuration does not run kabsd-guard here";
      h.fix = lefthook_fix(name);
      break;
    case HookManager::Husky:
      h.problem = "husky's script, and " + std::string(path_basename(path_dirname(dir))) + "/" + name +
                  " does not call kabsd-guard";
      h.fix = "add 'kabsd-guard hook " + name + " \"$@\"' to " + std::string(path_basename(path_dirname(dir))) + "/" +
              name + " (docs/hooks.md)";
      break;
    case HookManager::SimpleGitHooks:
      h.problem = "overwritten by simple-git-hooks, whose configuration does not run kabsd-guard here";
      h.fix = "add \"" + name + "\": \"kabsd-guard hook " + name + " \\\"$@\\\"\" to its configuration, then run 'npx simple-git-hooks' (docs/hooks.md)";
      break;
    case HookManager::PreCommit:
    case HookManager::Prek:
      h.problem = "overwritten by " + who + ", whose configuration does not run kabsd-guard at " + name;
      h.fix = "add kabsd-guard to .pre-commit-config.yaml (docs/hooks.md), or run 'kabsd-guard install'";
      break;
    case HookManager::None:
      h.problem = "replaced by a script that does not run kabsd-guard";
      h.fix = "run 'kabsd-guard install' (it keeps that script and runs it first)";
      break;
  }
  return h;
}

// Some trace of install in the folder: our script, or one moved aside.
bool traces_of_install(const std::string& dir, const std::string& name) {
  std::string main = path_join(dir, name);
  return ours_at(main) || ours_at(main + ".legacy") || ours_at(main + ".old") ||
         exists_at(main + std::string(kChainedSuffix));
}

}  // namespace

bool HooksHealth::all_run() const {
  return std::all_of(hooks.begin(), hooks.end(), [](const HookHealth& h) { return h.runs; });
}

std::vector<std::string> recorded_hooks_dirs(const Repo& repo) {
  std::vector<std::string> out;
  auto text = read_regular_prefix(record_path(repo), 1 << 16);
  if (!text) return out;
  for (std::string_view line : split(*text, '\n'))
    if (!trim(line).empty()) out.emplace_back(line);
  return out;
}

std::string record_hooks_installed(const Repo& repo, const std::vector<std::string>& dirs) {
  std::error_code ec;
  std::filesystem::create_directories(path_join(repo.common_dir(), "kabsd-guard"), ec);
  std::string text;
  for (const std::string& d : dirs) text += d + "\n";
  return replace_file(record_path(repo), text, 0644, false);
}

void forget_hooks_installed(const Repo& repo) { ::unlink(record_path(repo).c_str()); }

HooksHealth hooks_health(const Repo& repo) {
  HooksHealth out;
  out.recorded = recorded_hooks_dirs(repo);
  out.installed = !out.recorded.empty();
  const std::string top = repo.is_bare() ? "" : repo.workdir();
  for (const HooksDir& d : hooks_dirs(repo)) {
    out.dirs.push_back(d.path);
    for (std::string_view name : kHookNames) {
      if (!out.installed && traces_of_install(d.path, std::string(name))) out.installed = true;
      out.hooks.push_back(health_of(top, d.path, std::string(name)));
    }
  }
  // Hooks written into a folder git no longer runs hooks from.
  for (const std::string& r : out.recorded) {
    if (std::find(out.dirs.begin(), out.dirs.end(), r) != out.dirs.end()) continue;
    for (HookHealth& h : out.hooks)
      if (!h.runs)
        h.problem += "; git runs hooks from " + std::string(path_dirname(h.path)) +
                     " (core.hooksPath), not from " + r + " where kabsd-guard installed them";
  }
  return out;
}

}  // namespace kg
