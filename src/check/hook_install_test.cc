#include "check/hook_install.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "git/testing.h"

namespace kg {
namespace {

namespace fs = std::filesystem;
using gittest::quote;
using gittest::sh;
using gittest::TempDir;
using gittest::write_file;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

const HookOutcome& outcome(const std::vector<HookOutcome>& all, std::string_view name) {
  for (const HookOutcome& o : all)
    if (o.name == name) return o;
  throw std::runtime_error("no outcome for " + std::string(name));
}

TEST(HookScript, CarriesTheMarkerNameAndBypass) {
  std::string s = hook_script("pre-push", "/usr/local/bin/kabsd-guard");
  EXPECT_TRUE(is_managed_hook(s));
  EXPECT_EQ(s.rfind("#!/bin/sh\n# kabsd-guard-managed-hook\n", 0), 0u);
  EXPECT_NE(s.find("\nhook=pre-push\n"), std::string::npos);
  EXPECT_NE(s.find("\nfallback='/usr/local/bin/kabsd-guard'\n"), std::string::npos);
  EXPECT_NE(s.find("git push --no-verify"), std::string::npos);
  for (const char* placeholder : {"@HOOK@", "@FALLBACK@", "@NOVERIFY@"})
    EXPECT_EQ(s.find(placeholder), std::string::npos) << placeholder;
  EXPECT_NE(hook_script("pre-commit", "").find("\nfallback=''\n"), std::string::npos);
}

TEST(HookScript, FallbackPathIsQuotedForSh) {
  TempDir tmp;
  const std::string odd = "/opt/it's @HOOK@ $(x) \"q\"/kabsd-guard";
  write_file(tmp / "hook", hook_script("post-merge", odd));
  std::string got = sh("sh -c " + quote("eval \"$(grep '^fallback=' " + quote((tmp / "hook").native()) +
                                          ")\"; printf %s \"$fallback\""));
  EXPECT_EQ(got, odd);
}

TEST(HookScript, MarkerMustBeAWholeLine) {
  EXPECT_TRUE(is_managed_hook("#!/bin/sh\n# kabsd-guard-managed-hook\r\nexit 0\n"));
  EXPECT_FALSE(is_managed_hook("#!/bin/sh\necho '# kabsd-guard-managed-hook here'\n"));
  EXPECT_FALSE(is_managed_hook("#!/bin/sh\n# kabsd-guard-managed-hooks\n"));
  EXPECT_FALSE(is_managed_hook(""));
}

TEST(HookNames, PreAndKnown) {
  EXPECT_TRUE(is_pre_hook("pre-merge-commit"));
  EXPECT_FALSE(is_pre_hook("post-rewrite"));
  EXPECT_TRUE(is_known_hook("post-checkout"));
  EXPECT_FALSE(is_known_hook("commit-msg"));
}

TEST(InstallHooks, FreshThenIdempotentThenUninstall) {
  TempDir tmp;
  fs::path dir = tmp / "a/b/hooks";  // created
  auto first = install_hooks(dir.native(), "/bin/kg");
  ASSERT_EQ(first.size(), kHookNames.size());
  for (const HookOutcome& o : first) {
    EXPECT_EQ(o.action, HookAction::Installed) << o.name << ": " << o.detail;
    EXPECT_EQ(read(dir / o.name), hook_script(o.name, "/bin/kg"));
    EXPECT_EQ(mode_of(dir / o.name), 0755u);
  }
  for (const HookOutcome& o : install_hooks(dir.native(), "/bin/kg"))
    EXPECT_EQ(o.action, HookAction::Unchanged) << o.name;
  for (const HookOutcome& o : install_hooks(dir.native(), "/elsewhere/kg"))
    EXPECT_EQ(o.action, HookAction::Updated) << o.name;
  for (const HookOutcome& o : uninstall_hooks(dir.native())) EXPECT_EQ(o.action, HookAction::Removed);
  EXPECT_TRUE(fs::is_empty(dir));
  for (const HookOutcome& o : uninstall_hooks(dir.native())) EXPECT_EQ(o.action, HookAction::NotInstalled);
}

TEST(InstallHooks, ChainsFilesAndSymlinksAndRestoresThemExactly) {
  TempDir tmp;
  fs::path dir = tmp / "hooks";
  write_file(dir / "pre-commit", "#!/bin/sh\nexit 0\n");
  fs::permissions(dir / "pre-commit", static_cast<fs::perms>(0640));  // not executable
  write_file(tmp / "real-push", "#!/bin/sh\ncat\n");
  fs::create_symlink("../real-push", dir / "pre-push");
  fs::create_symlink("missing", dir / "post-merge");
  auto ino = fs::status(dir / "pre-commit").permissions();

  auto out = install_hooks(dir.native(), "");
  EXPECT_EQ(outcome(out, "pre-commit").action, HookAction::Chained);
  EXPECT_EQ(outcome(out, "pre-commit").chained, (dir / "pre-commit.kabsd-guard-chained").native());
  EXPECT_EQ(outcome(out, "pre-push").action, HookAction::Chained);
  EXPECT_EQ(outcome(out, "post-merge").action, HookAction::Chained);
  EXPECT_EQ(outcome(out, "post-rewrite").action, HookAction::Installed);
  EXPECT_EQ(read(dir / "pre-commit.kabsd-guard-chained"), "#!/bin/sh\nexit 0\n");
  EXPECT_EQ(fs::read_symlink(dir / "pre-push.kabsd-guard-chained"), "../real-push");
  EXPECT_TRUE(is_managed_hook(read(dir / "pre-push")));
  // Idempotent with chained hooks too.
  for (const HookOutcome& o : install_hooks(dir.native(), ""))
    EXPECT_EQ(o.action, HookAction::Unchanged) << o.name;

  auto back = uninstall_hooks(dir.native());
  EXPECT_EQ(outcome(back, "pre-commit").action, HookAction::Restored);
  EXPECT_EQ(outcome(back, "post-rewrite").action, HookAction::Removed);
  EXPECT_EQ(read(dir / "pre-commit"), "#!/bin/sh\nexit 0\n");
  EXPECT_EQ(fs::status(dir / "pre-commit").permissions(), ino);
  EXPECT_EQ(mode_of(dir / "pre-commit"), 0640u);
  EXPECT_EQ(fs::read_symlink(dir / "pre-push"), "../real-push");
  EXPECT_EQ(fs::read_symlink(dir / "post-merge"), "missing");
  EXPECT_FALSE(fs::exists(dir / "post-rewrite"));
  EXPECT_FALSE(fs::exists(dir / "pre-commit.kabsd-guard-chained"));
}

TEST(InstallHooks, TakenChainedSlotFailsThatHookOnly) {
  TempDir tmp;
  fs::path dir = tmp / "hooks";
  write_file(dir / "pre-commit", "#!/bin/sh\nmine\n");
  write_file(dir / "pre-commit.kabsd-guard-chained", "#!/bin/sh\nolder\n");
  auto out = install_hooks(dir.native(), "");
  EXPECT_EQ(outcome(out, "pre-commit").action, HookAction::Failed);
  EXPECT_NE(outcome(out, "pre-commit").detail.find("exists already"), std::string::npos);
  EXPECT_EQ(read(dir / "pre-commit"), "#!/bin/sh\nmine\n");
  EXPECT_EQ(outcome(out, "pre-push").action, HookAction::Installed);
  // Uninstall leaves the foreign hook and its neighbour alone.
  auto back = uninstall_hooks(dir.native());
  EXPECT_EQ(outcome(back, "pre-commit").action, HookAction::LeftAlone);
  EXPECT_EQ(read(dir / "pre-commit.kabsd-guard-chained"), "#!/bin/sh\nolder\n");
}

TEST(InstallHooks, HuskyHooksAreNotChained) {
  TempDir tmp;
  fs::path dir = tmp / ".husky/_";
  write_file(dir / "pre-commit", "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n");
  auto out = install_hooks(dir.native(), "");
  EXPECT_EQ(outcome(out, "pre-commit").action, HookAction::Failed);
  EXPECT_NE(outcome(out, "pre-commit").detail.find("husky"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "pre-commit.kabsd-guard-chained"));
}

TEST(InstallHooks, UnderPreCommitsLegacyName) {
  TempDir tmp;
  fs::path dir = tmp / "hooks";
  const std::string framework = "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n";
  write_file(dir / "pre-commit", framework);
  install_hooks(dir.native(), "");
  // `pre-commit install` again: ours becomes pre-commit.legacy, its script is back.
  fs::rename(dir / "pre-commit", dir / "pre-commit.legacy");
  write_file(dir / "pre-commit", framework);
  auto again = install_hooks(dir.native(), "");
  EXPECT_EQ(outcome(again, "pre-commit").action, HookAction::Unchanged);
  EXPECT_EQ(outcome(again, "pre-commit").path, (dir / "pre-commit.legacy").native());
  auto back = uninstall_hooks(dir.native());
  EXPECT_EQ(outcome(back, "pre-commit").action, HookAction::Removed);
  EXPECT_EQ(read(dir / "pre-commit"), framework);
  EXPECT_FALSE(fs::exists(dir / "pre-commit.legacy"));
  EXPECT_FALSE(fs::exists(dir / "pre-commit.kabsd-guard-chained"));
}

TEST(InstallHooks, OrphanedChainedHookIsPutBack) {
  TempDir tmp;
  fs::path dir = tmp / "hooks";
  write_file(dir / "post-merge", "#!/bin/sh\nold\n");
  install_hooks(dir.native(), "");
  fs::remove(dir / "post-merge");  // someone deleted ours by hand
  EXPECT_EQ(outcome(uninstall_hooks(dir.native()), "post-merge").action, HookAction::Restored);
  EXPECT_EQ(read(dir / "post-merge"), "#!/bin/sh\nold\n");
}

TEST(HooksDirs, DefaultRelativeAbsoluteAndBare) {
  gittest::CleanGitEnv env;
  ScopedEnv home("HOME", std::string("/nonexistent-home"));
  TempDir tmp;
  fs::path main = tmp / "main";
  gittest::init_repo(main);
  gittest::commit_all(main, "init");
  gittest::git(main, "worktree add -q " + quote((tmp / "wt").native()));
  {
    auto dirs = hooks_dirs(Repo::open((tmp / "wt").native()));
    ASSERT_EQ(dirs.size(), 1u);
    EXPECT_EQ(dirs[0].path, (main / ".git/hooks").native());
    EXPECT_EQ(dirs[0].source, "default");
  }
  gittest::git(main, "config core.hooksPath .githooks");
  {
    auto dirs = hooks_dirs(Repo::open((tmp / "wt").native()));
    ASSERT_EQ(dirs.size(), 2u);
    EXPECT_EQ(dirs[0].path, (tmp / "wt/.githooks").native());
    EXPECT_EQ(dirs[1].path, (main / ".githooks").native());
    EXPECT_EQ(dirs[0].source, "core.hooksPath");
  }
  gittest::git(main, "config core.hooksPath " + quote((tmp / "shared").native() + "/"));
  {
    auto dirs = hooks_dirs(Repo::open(main.native()));
    ASSERT_EQ(dirs.size(), 1u);
    EXPECT_EQ(dirs[0].path, (tmp / "shared").native());
  }
  gittest::sh("git clone -q --bare " + quote(main.native()) + " " + quote((tmp / "b.git").native()));
  gittest::git(tmp / "b.git", "config core.hooksPath myhooks");
  {
    auto dirs = hooks_dirs(Repo::open((tmp / "b.git").native()));
    ASSERT_EQ(dirs.size(), 1u);
    EXPECT_EQ(dirs[0].path, (tmp / "b.git/myhooks").native());
  }
}

}  // namespace
}  // namespace kg
