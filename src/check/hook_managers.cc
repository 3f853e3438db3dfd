#include "check/hook_managers.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "check/hook_stage.h"
#include "util/files.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

constexpr size_t kConfigLimit = 1 << 20;  // configuration files are read to 1 MiB

std::optional<std::string> read_config(const std::string& top, std::string_view rel) {
  return read_regular_prefix(path_join(top, rel), kConfigLimit);
}

bool mentions_guard(std::string_view s) { return s.find("kabsd-guard") != std::string_view::npos; }

// A walk of a hook manager's configuration visits at most this many nodes,
// this deep: aliases can make a 2 KB file a tree of billions (issue 15), and
// a hook entry is never that far down.
constexpr int kWalkNodes = 10000;
constexpr int kWalkDepth = 100;

// Any scalar below `node` that names kabsd-guard, within the walk's budget.
bool subtree_mentions_guard(const YAML::Node& node, int& budget, int depth = 0) {
  if (--budget < 0 || depth > kWalkDepth) return false;
  if (node.IsScalar()) return mentions_guard(node.Scalar());
  if (node.IsSequence() || node.IsMap()) {
    for (const auto& child : node) {
      const YAML::Node& next = node.IsMap() ? child.second : child;
      if (subtree_mentions_guard(next, budget, depth + 1)) return true;
      if (budget < 0) return false;
    }
  }
  return false;
}

bool subtree_mentions_guard(const YAML::Node& node) {
  int budget = kWalkNodes;
  return subtree_mentions_guard(node, budget);
}

std::optional<YAML::Node> parse_yaml(const std::string& text) {
  try {
    return YAML::Load(text);
  } catch (const std::exception&) {
    return std::nullopt;  // a broken file runs nothing for us
  }
}

// A `stages` list (old or new names) that lets the hook run at `hook`.
bool stage_listed(const YAML::Node& stages, std::string_view hook) {
  if (!stages || !stages.IsSequence()) return true;  // absent: every stage
  for (const auto& s : stages)
    if (s.IsScalar() && modern_stage_name(s.Scalar()) == hook) return true;
  return false;
}

std::string pre_commit_config(const std::string& top, std::string_view hook) {
  for (std::string_view name : {".pre-commit-config.yaml", ".pre-commit-config.yml"}) {
    auto text = read_config(top, name);
    if (!text) continue;
    auto root = parse_yaml(*text);
    if (!root || !root->IsMap() || !(*root)["repos"].IsSequence()) return "";
    YAML::Node default_stages = (*root)["default_stages"];
    for (const auto& repo : (*root)["repos"]) {
      if (!repo.IsMap() || !repo["hooks"].IsSequence()) continue;
      for (const auto& h : repo["hooks"]) {
        if (!h.IsMap()) continue;
        bool ours = (h["id"].IsScalar() && mentions_guard(h["id"].Scalar())) ||
                    (h["entry"].IsScalar() && mentions_guard(h["entry"].Scalar()));
        if (ours && stage_listed(h["stages"] ? h["stages"] : default_stages, hook)) return std::string(name);
      }
    }
    return "";
  }
  return "";
}

// lefthook's configuration files, YAML or JSON (lefthook.toml is not read).
constexpr std::string_view kLefthookFiles[] = {
    "lefthook.yml",        ".lefthook.yml",         "lefthook.yaml",        ".lefthook.yaml",
    ".config/lefthook.yml", ".config/lefthook.yaml", "lefthook.json",        ".lefthook.json",
    "lefthook.jsonc",      ".lefthook.jsonc",       ".config/lefthook.json", ".config/lefthook.jsonc",
    "lefthook-local.yml",  ".lefthook-local.yml",   "lefthook-local.yaml",  ".lefthook-local.yaml",
    "lefthook-local.json", ".lefthook-local.json",  "lefthook-local.jsonc", ".lefthook-local.jsonc"};

// Any string below `node` that names kabsd-guard, within the walk's budget
// (a 1 MiB file can nest arrays 500,000 deep).
bool json_mentions_guard(const nlohmann::json& node, int& budget, int depth = 0) {
  if (--budget < 0 || depth > kWalkDepth) return false;
  if (node.is_string()) return mentions_guard(node.get_ref<const std::string&>());
  if (node.is_structured())
    for (const auto& child : node) {
      if (json_mentions_guard(child, budget, depth + 1)) return true;
      if (budget < 0) return false;
    }
  return false;
}

bool lefthook_file_runs_guard(std::string_view name, const std::string& text, std::string_view hook) {
  if (name.ends_with(".json") || name.ends_with(".jsonc")) {
    nlohmann::json root = nlohmann::json::parse(text, nullptr, false, /*ignore_comments=*/true);
    int budget = kWalkNodes;
    return root.is_object() && root.contains(hook) && json_mentions_guard(root[std::string(hook)], budget);
  }
  auto root = parse_yaml(text);
  return root && root->IsMap() && subtree_mentions_guard((*root)[std::string(hook)]);
}

std::string lefthook_config(const std::string& top, std::string_view hook) {
  for (std::string_view name : kLefthookFiles) {
    auto text = read_config(top, name);
    if (text && lefthook_file_runs_guard(name, *text, hook)) return std::string(name);
  }
  return "";
}

std::string husky_script(const std::string& top, const std::string& hooks_dir, std::string_view hook) {
  std::string script = path_join(path_dirname(hooks_dir), hook);
  auto text = read_regular_prefix(script, kConfigLimit);
  if (!text || !calls_kabsd_guard(*text)) return "";
  return path_within(script, top) ? std::string(path_relative(script, top)) : script;
}

}  // namespace

std::string_view to_string(HookManager manager) {
  switch (manager) {
    case HookManager::None: return "none";
    case HookManager::PreCommit: return "pre-commit";
    case HookManager::Prek: return "prek";
    case HookManager::Lefthook: return "lefthook";
    case HookManager::Husky: return "husky";
    case HookManager::SimpleGitHooks: return "simple-git-hooks";
  }
  return "?";
}

HookManager manager_of_script(std::string_view content) {
  std::string_view head = content.substr(0, 4096);
  auto has = [&](std::string_view s) { return head.find(s) != std::string_view::npos; };
  if (has("File generated by pre-commit")) return HookManager::PreCommit;
  if (has("File generated by prek")) return HookManager::Prek;
  if (has("call_lefthook") || has("LEFTHOOK")) return HookManager::Lefthook;
  if (has("dirname \"$0\")/h\"") || has("husky")) return HookManager::Husky;
  if (has("SKIP_SIMPLE_GIT_HOOKS")) return HookManager::SimpleGitHooks;
  return HookManager::None;
}

bool calls_kabsd_guard(std::string_view content) {
  for (std::string_view line : split(content.substr(0, 1 << 16), '\n')) {
    line = trim(line);
    if (!line.empty() && line.front() != '#' && mentions_guard(line)) return true;
  }
  return false;
}

std::string config_running_guard(HookManager manager, const std::string& top, const std::string& hooks_dir,
                                 std::string_view hook) {
  if (top.empty()) return "";
  switch (manager) {
    case HookManager::PreCommit:
    case HookManager::Prek: return pre_commit_config(top, hook);
    case HookManager::Lefthook: return lefthook_config(top, hook);
    case HookManager::Husky: return husky_script(top, hooks_dir, hook);
    default: return "";
  }
}

bool has_lefthook_config(const std::string& top) {
  if (top.empty()) return false;
  return std::any_of(std::begin(kLefthookFiles), std::end(kLefthookFiles),
                     [&](std::string_view name) { return read_config(top, name).has_value(); });
}

std::vector<std::string> manager_warnings(const std::string& top, const std::vector<std::string>& hooks) {
  std::vector<std::string> out;
  if (top.empty()) return out;
  // simple-git-hooks: package.json's "simple-git-hooks" (read here), or a
  // configuration file of its own (JavaScript: not read, named only).
  if (auto text = read_config(top, "package.json")) {
    nlohmann::json pkg = nlohmann::json::parse(*text, nullptr, false);
    if (pkg.is_object() && pkg.contains("simple-git-hooks") && pkg["simple-git-hooks"].is_object()) {
      const nlohmann::json& cfg = pkg["simple-git-hooks"];
      const nlohmann::json keep = cfg.value("preserveUnused", nlohmann::json(false));
      std::vector<std::string> lost;
      for (const std::string& h : hooks) {
        bool configured = cfg.contains(h) && cfg[h].is_string() && mentions_guard(cfg[h].get<std::string>());
        bool preserved = keep == true || (keep.is_array() && std::find(keep.begin(), keep.end(), h) != keep.end());
        if (!configured && !preserved) lost.push_back(h);
      }
      if (!lost.empty()) {
        std::string list;
        for (const std::string& h : lost) list += (list.empty() ? "" : ", ") + h;
        out.push_back("package.json configures simple-git-hooks, which deletes every hook it does not configure "
                      "each time it runs (npx simple-git-hooks, npm install): " + list +
                      " would stop running kabsd-guard. Add them to \"simple-git-hooks\" or to its "
                      "\"preserveUnused\" list (docs/hooks.md)");
      }
    }
  }
  for (std::string_view name : {".simple-git-hooks.json", "simple-git-hooks.json", ".simple-git-hooks.js",
                                "simple-git-hooks.js", ".simple-git-hooks.cjs", "simple-git-hooks.cjs",
                                ".simple-git-hooks.mjs", "simple-git-hooks.mjs"}) {
    auto text = read_config(top, name);
    if (!text) continue;
    if (!mentions_guard(*text) || text->find("preserveUnused") == std::string::npos)
      out.push_back(std::string(name) + " configures simple-git-hooks, which deletes every hook it does not "
                    "configure each time it runs: list kabsd-guard's hooks there, or in \"preserveUnused\" "
                    "(docs/hooks.md)");
    break;
  }
  return out;
}

}  // namespace kg
