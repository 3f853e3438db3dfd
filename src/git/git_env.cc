#include "git/git_env.h"

#include <filesystem>
#include <string_view>

extern char** environ;

namespace kg {

namespace {

// The variables that tell git where the repository is: replaced when the
// location is given, so a hook's environment cannot point git elsewhere.
constexpr std::string_view kLocationVars[] = {
    "GIT_DIR=", "GIT_WORK_TREE=", "GIT_INDEX_FILE=", "GIT_COMMON_DIR=", "GIT_PREFIX=",
    "GIT_OBJECT_DIRECTORY=", "GIT_ALTERNATE_OBJECT_DIRECTORIES=", "GIT_NAMESPACE=",
    "GIT_QUARANTINE_PATH=", "GIT_OPTIONAL_LOCKS=", "GIT_TERMINAL_PROMPT="};

std::string absolute(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.string();
}

bool dropped(std::string_view var, const std::optional<GitLocation>& where, bool discover) {
  for (std::string_view name : kLocationVars) {
    if (!var.starts_with(name)) continue;
    if (name == "GIT_OPTIONAL_LOCKS=" || name == "GIT_TERMINAL_PROMPT=") return true;  // set by child_env
    // The object directories (and a push's quarantine) stay for the
    // repository the environment named; another (the sha256 mirror) may
    // update its refs.
    const bool objects = name == "GIT_OBJECT_DIRECTORY=" || name == "GIT_ALTERNATE_OBJECT_DIRECTORIES=" ||
                         name == "GIT_QUARANTINE_PATH=";
    return discover || (where && !(objects && where->from_env));
  }
  return false;
}

}  // namespace

std::vector<std::string> child_env(const std::optional<GitLocation>& where, bool discover) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (!dropped(*e, where, discover)) env.emplace_back(*e);
  if (where) {
    // Absolute: git starts in the top-level folder (top_level_of), not here.
    env.push_back("GIT_DIR=" + absolute(where->git_dir));
    if (!where->work_tree.empty()) env.push_back("GIT_WORK_TREE=" + absolute(where->work_tree));
    if (where->index_file) env.push_back("GIT_INDEX_FILE=" + absolute(*where->index_file));
  }
  env.emplace_back("GIT_OPTIONAL_LOCKS=0");  // a read never takes index.lock
  env.emplace_back("GIT_TERMINAL_PROMPT=0"); // a fetch never waits for a password
  return env;
}

std::string top_level_of(const GitLocation& where) {
  return absolute(where.work_tree.empty() ? where.git_dir : where.work_tree);
}

}  // namespace kg
