#include "check/hook_stage.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string_view>

#include "util/paths.h"

namespace kg {

namespace {

using Argv = std::vector<std::string>;

bool is_framework_program(std::string_view arg) {
  std::string_view base = path_basename(arg);
  return base == "pre-commit" || base == "prek" || base == "pre_commit" || arg == "-mpre_commit";
}

std::string framework_name(const Argv& argv) {
  for (const std::string& a : argv)
    if (path_basename(a).find("prek") != std::string_view::npos) return "prek";
  return "pre-commit";
}

// The value of `--opt=VALUE` or `--opt VALUE` before any "--"; "" when absent.
std::string option_value(const Argv& argv, std::string_view opt) {
  for (size_t i = 0; i < argv.size() && argv[i] != "--"; ++i) {
    std::string_view a = argv[i];
    if (a == opt && i + 1 < argv.size()) return argv[i + 1];
    if (a.size() > opt.size() && a.substr(0, opt.size()) == opt && a[opt.size()] == '=')
      return std::string(a.substr(opt.size() + 1));
  }
  return "";
}

Argv after_double_dash(const Argv& argv) {
  for (size_t i = 0; i < argv.size(); ++i)
    if (argv[i] == "--") return Argv(argv.begin() + static_cast<std::ptrdiff_t>(i) + 1, argv.end());
  return {};
}

// `<framework> hook-impl --hook-type=NAME -- ARGS`: what the installed script runs.
bool from_hook_impl(const Argv& argv, HookStage& out) {
  bool impl = false;
  for (const std::string& a : argv) {
    if (a == "--") break;
    if (a == "hook-impl") impl = true;
  }
  if (!impl) return false;
  std::string type = option_value(argv, "--hook-type");
  if (type.empty()) return false;
  out.name = modern_stage_name(type);
  out.args = after_double_dash(argv);
  out.source = framework_name(argv) + " hook-impl --hook-type=" + type;
  return true;
}

// `<framework> run [--hook-stage STAGE]` or `try-repo`: run by hand.
bool from_run(const Argv& argv, HookStage& out) {
  bool program = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") break;
    if (is_framework_program(a) || (a == "-m" && i + 1 < argv.size() && argv[i + 1] == "pre_commit")) {
      program = true;
      continue;
    }
    if (program && (a == "run" || a == "try-repo")) {
      std::string stage = option_value(argv, "--hook-stage");
      out.name = stage.empty() ? "pre-commit" : modern_stage_name(stage);
      out.source = framework_name(argv) + " " + a + (stage.empty() ? "" : " --hook-stage " + stage);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string modern_stage_name(const std::string& stage) {
  if (stage == "commit") return "pre-commit";
  if (stage == "push") return "pre-push";
  if (stage == "merge-commit") return "pre-merge-commit";
  return stage;
}

HookStage detect_hook_stage(const std::vector<Argv>& ancestors,
                            const std::function<std::string(const char*)>& env) {
  HookStage out;
  for (const Argv& argv : ancestors)
    if (from_hook_impl(argv, out) || from_run(argv, out)) return out;
  // No framework process found (a wrapper that forks, another pid namespace):
  // the variables each framework exports for the stages that have arguments.
  if (!env("PRE_COMMIT_CHECKOUT_TYPE").empty()) {
    out = {"post-checkout", {env("PRE_COMMIT_FROM_REF"), env("PRE_COMMIT_TO_REF"), env("PRE_COMMIT_CHECKOUT_TYPE")},
           "PRE_COMMIT_CHECKOUT_TYPE"};
  } else if (!env("PRE_COMMIT_IS_SQUASH_MERGE").empty()) {
    out = {"post-merge", {env("PRE_COMMIT_IS_SQUASH_MERGE")}, "PRE_COMMIT_IS_SQUASH_MERGE"};
  } else if (!env("PRE_COMMIT_REWRITE_COMMAND").empty()) {
    out = {"post-rewrite", {env("PRE_COMMIT_REWRITE_COMMAND")}, "PRE_COMMIT_REWRITE_COMMAND"};
  } else if (!env("PRE_COMMIT_REMOTE_NAME").empty()) {
    out = {"pre-push", {env("PRE_COMMIT_REMOTE_NAME"), env("PRE_COMMIT_REMOTE_URL")}, "PRE_COMMIT_REMOTE_NAME"};
  }
  return out;
}

std::vector<Argv> parent_command_lines(int depth) {
  std::vector<Argv> out;
  pid_t pid = getppid();
  for (int i = 0; i < depth && pid > 1; ++i) {
    const std::string proc = "/proc/" + std::to_string(pid);
    std::ifstream cmd(proc + "/cmdline", std::ios::binary);
    if (!cmd) break;
    std::ostringstream raw;
    raw << cmd.rdbuf();
    Argv argv;
    std::string s = raw.str(), cur;
    for (char c : s) {
      if (c == '\0') {
        argv.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) argv.push_back(cur);
    out.push_back(std::move(argv));
    // The parent's parent: /proc/PID/stat is "PID (comm) STATE PPID ...";
    // comm may hold spaces and parentheses, so read after the last ')'.
    std::ifstream st(proc + "/stat");
    std::string stat((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
    size_t close = stat.rfind(')');
    if (close == std::string::npos) break;
    std::istringstream rest(stat.substr(close + 1));
    std::string state;
    long ppid = 0;
    if (!(rest >> state >> ppid)) break;
    pid = static_cast<pid_t>(ppid);
  }
  return out;
}

}  // namespace kg
