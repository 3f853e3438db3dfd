#include "check/hook_stage.h"

#include <gtest/gtest.h>

#include <map>

namespace kg {
namespace {

using Argv = std::vector<std::string>;

std::function<std::string(const char*)> env_of(std::map<std::string, std::string> vars) {
  return [vars](const char* name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
}

TEST(HookStage, PreCommitHookImplNamesTheStageAndArguments) {
  // As pre-commit 3.0.4 runs it (seen in /proc under a real `git merge`).
  std::vector<Argv> parents = {{"/usr/bin/python3", "-mpre_commit", "hook-impl", "--config=.pre-commit-config.yaml",
                                "--hook-type=post-merge", "--hook-dir", "/r/.git/hooks", "--", "0"},
                               {"git", "merge", "side"}};
  HookStage s = detect_hook_stage(parents, env_of({}));
  EXPECT_EQ(s.name, "post-merge");
  EXPECT_EQ(s.args, Argv{"0"});
  EXPECT_EQ(s.source, "pre-commit hook-impl --hook-type=post-merge");
}

TEST(HookStage, PrekHookImplWithoutAnyVariable) {
  std::vector<Argv> parents = {{"/n/@j178/prek-linux-x64-gnu/prek", "hook-impl", "--hook-dir", "/r/.git/hooks",
                                "--script-version", "4", "--hook-type=post-merge", "--", "1"}};
  HookStage s = detect_hook_stage(parents, env_of({}));
  EXPECT_EQ(s.name, "post-merge");
  EXPECT_EQ(s.args, Argv{"1"});
  EXPECT_EQ(s.source.substr(0, 4), "prek");
}

TEST(HookStage, SeparateHookTypeValueAndOldStageNames) {
  HookStage s = detect_hook_stage({{"sh", "-c", "x"}, {"prek", "hook-impl", "--hook-type", "pre-push", "--", "origin", "u"}},
                                  env_of({}));
  EXPECT_EQ(s.name, "pre-push");
  EXPECT_EQ(s.args, (Argv{"origin", "u"}));
  EXPECT_EQ(modern_stage_name("commit"), "pre-commit");
  EXPECT_EQ(modern_stage_name("merge-commit"), "pre-merge-commit");
  EXPECT_EQ(modern_stage_name("post-merge"), "post-merge");
}

TEST(HookStage, RunByHand) {
  EXPECT_EQ(detect_hook_stage({{"/usr/bin/python3", "/usr/bin/pre-commit", "run", "--all-files"}}, env_of({})).name,
            "pre-commit");
  EXPECT_EQ(detect_hook_stage({{"prek", "run", "--hook-stage", "manual"}}, env_of({})).name, "manual");
  EXPECT_EQ(detect_hook_stage({{"pre-commit", "run", "--hook-stage=push"}}, env_of({})).name, "pre-push");
  // "run" as an argument of something else is not a framework run.
  EXPECT_EQ(detect_hook_stage({{"make", "run"}}, env_of({})).name, "");
}

TEST(HookStage, VariablesWhenNoFrameworkProcessIsSeen) {
  EXPECT_EQ(detect_hook_stage({}, env_of({{"PRE_COMMIT_CHECKOUT_TYPE", "1"}})).name, "post-checkout");
  HookStage m = detect_hook_stage({}, env_of({{"PRE_COMMIT_IS_SQUASH_MERGE", "0"}}));
  EXPECT_EQ(m.name, "post-merge");
  EXPECT_EQ(m.args, Argv{"0"});
  EXPECT_EQ(detect_hook_stage({}, env_of({{"PRE_COMMIT_REWRITE_COMMAND", "rebase"}})).name, "post-rewrite");
  EXPECT_EQ(detect_hook_stage({}, env_of({{"PRE_COMMIT_REMOTE_NAME", "origin"}})).name, "pre-push");
}

TEST(HookStage, UnknownIsEmptyNotAGuess) {
  HookStage s = detect_hook_stage({{"git", "commit"}, {"bash"}}, env_of({{"PRE_COMMIT", "1"}}));
  EXPECT_EQ(s.name, "");
  EXPECT_TRUE(s.source.empty());
}

TEST(HookStage, ParentsOfThisProcessAreReadable) {
  auto parents = parent_command_lines(2);
  ASSERT_FALSE(parents.empty());
  EXPECT_FALSE(parents.front().empty());
}

}  // namespace
}  // namespace kg
