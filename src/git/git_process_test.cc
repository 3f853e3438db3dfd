#include "git/git_process.h"

#include <gtest/gtest.h>

#include <chrono>

namespace kg {
namespace {

using namespace std::chrono_literals;

TEST(GitProcess, CapturesStdoutAndTheExitStatus) {
  GitProcessResult r = run_git({"--version"}, {});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.out.rfind("git version ", 0), 0u);
}

TEST(GitProcess, ArgumentsAreNotShellWords) {
  GitProcessOptions o;
  o.env = {{"GIT_CONFIG_NOSYSTEM", "1"}};
  GitProcessResult r = run_git({"-c", "x.y=a b;$(false)", "config", "--get", "x.y"}, o);
  EXPECT_TRUE(r.ok()) << r.err;
  EXPECT_EQ(r.out, "a b;$(false)\n");
}

TEST(GitProcess, GitsComplaintIsTheFatalLine) {
  GitProcessOptions o;
  o.dir = "/";
  GitProcessResult r = run_git({"ls-remote", "/no/such/repository.git"}, o);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.timed_out);
  EXPECT_NE(r.git_complaint().find("/no/such/repository.git"), std::string::npos) << r.err;
  EXPECT_EQ(r.git_complaint().find("fatal"), std::string::npos);
}

TEST(GitProcess, ATimeoutKillsTheWholeGroup) {
  GitProcessOptions o;
  o.timeout = 200ms;
  o.env = {{"GIT_CONFIG_NOSYSTEM", "1"}};
  auto start = std::chrono::steady_clock::now();
  // An alias run through the shell: git's child sleeps, not git itself.
  GitProcessResult r = run_git({"-c", "alias.nap=!sleep 30", "nap"}, o);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_LT(took, 5s);
}

TEST(GitProcess, EnvironmentChangesReachGit) {
  GitProcessOptions o;
  o.env = {{"GIT_CONFIG_NOSYSTEM", "1"}, {"GIT_CONFIG_COUNT", "1"}, {"GIT_CONFIG_KEY_0", "kg.test"},
           {"GIT_CONFIG_VALUE_0", "yes"}};
  GitProcessResult r = run_git({"config", "--get", "kg.test"}, o);
  EXPECT_EQ(r.out, "yes\n");
}

}  // namespace
}  // namespace kg
