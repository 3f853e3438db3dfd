#include "git/git_process.h"

#include <gtest/gtest.h>

#include <chrono>

#include "git/error.h"
#include "git/git_index.h"
#include "git/index_view.h"
#include "git/status_view.h"
#include "git/testing.h"

// The unit tests' copy of src/main.cc's LeakSanitizer suppression: libgit2
// 1.5.1 leaks pcre2 match data when it opens a repository with
// core.repositoryformatversion = 1.
extern "C" const char* __lsan_default_suppressions() { return "leak:libpcre2-8.so\n"; }

namespace kg {
namespace {

using namespace gittest;
using namespace std::chrono_literals;

GitLocation at(const fs::path& root) { return GitLocation{(root / ".git").native(), root.native(), std::nullopt}; }

TEST(GitProcess, RunsGitWithArgumentsNotAShell) {
  CleanGitEnv clean;
  TempDir tmp;
  init_repo(tmp / "r");
  write_file(tmp / "r" / "a b;$(touch pwned).md", "x\n");
  git(tmp / "r", "add -A");
  const std::string out = GitCommand({"ls-files", "-z", "--", "a b;$(touch pwned).md"}).at(at(tmp / "r")).output();
  EXPECT_EQ(split_z(out), std::vector<std::string_view>{"a b;$(touch pwned).md"});
  EXPECT_FALSE(fs::exists(tmp / "r" / "pwned"));
}

TEST(GitProcess, AFailureCarriesGitsStderr) {
  CleanGitEnv clean;
  TempDir tmp;
  init_repo(tmp / "r");
  try {
    GitCommand({"rev-parse", "--verify", "no-such-branch"}).at(at(tmp / "r")).output();
    FAIL() << "expected a GitError";
  } catch (const GitError& e) {
    EXPECT_NE(std::string(e.what()).find("git rev-parse --verify no-such-branch failed (exit 128)"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("Needed a single revision"), std::string::npos) << e.what();
  }
}

TEST(GitProcess, FeedsInputAndStopsAtTheTimeout) {
  CleanGitEnv clean;
  TempDir tmp;
  init_repo(tmp / "r");
  const std::string big(1 << 20, 'x');  // more than a pipe holds
  const std::string oid = GitCommand({"hash-object", "--stdin"}).at(at(tmp / "r")).input(big).output();
  EXPECT_EQ(oid.size(), 41u);
  // `git hash-object --stdin` waits for its input forever: the timeout ends it.
  GitCommand waits({"-c", "alias.wait=!sleep 5", "wait"});
  waits.at(at(tmp / "r")).timeout(std::chrono::milliseconds(200));
  EXPECT_THROW(waits.run(), GitError);
}

TEST(GitProcess, HonoursNoLocationFromTheEnvironmentWhenOneIsGiven) {
  CleanGitEnv clean;
  TempDir tmp;
  init_repo(tmp / "a");
  init_repo(tmp / "b");
  write_file(tmp / "b" / "only-b", "b\n");
  git(tmp / "b", "add -A");
  ScopedEnv elsewhere("GIT_DIR", (tmp / "a" / ".git").native());  // a hook's environment
  EXPECT_EQ(split_z(GitCommand({"ls-files", "-z"}).at(at(tmp / "b")).output()),
            std::vector<std::string_view>{"only-b"});
}

TEST(CatFileBatch, ReadsObjectsAndSaysWhatIsMissing) {
  CleanGitEnv clean;
  TempDir tmp;
  init_repo(tmp / "r");
  write_file(tmp / "r" / "f.md", "hello\n");
  commit_all(tmp / "r", "one");
  CatFileBatch batch(at(tmp / "r"));
  auto blob = batch.read("HEAD:f.md");
  ASSERT_TRUE(blob);
  EXPECT_EQ(blob->type, "blob");
  EXPECT_EQ(blob->data, "hello\n");
  EXPECT_FALSE(batch.read("0123456789012345678901234567890123456789"));
  auto again = batch.read(":f.md");  // the index; the same process answers on
  ASSERT_TRUE(again);
  EXPECT_EQ(again->data, "hello\n");
  EXPECT_THROW(batch.read("a\nb"), GitError);
}

TEST(GitIndex, ASplitIndexIsReadThroughGitWithItsSkipWorktreeBits) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "r";
  init_repo(root);
  write_file(root / "a/x.md", "x\n");
  write_file(root / "b/y.md", "y\n");
  commit_all(root, "one");
  git(root, "update-index --skip-worktree b/y.md");
  fs::remove(root / "b/y.md");
  git(root, "update-index --split-index");
  ASSERT_TRUE(fs::exists(root / ".git" / "index"));
  Repo repo = Repo::open(root.native());
  IndexView index(repo);  // libgit2 1.5 alone refuses the `link` extension
  EXPECT_TRUE(repo.index_from_git());
  EXPECT_TRUE(index.has_skip_worktree());
  ASSERT_TRUE(index.skip_worktree_entry("b/y.md"));
  EXPECT_EQ(*index.read("b/y.md", 100), "y\n");
  // The working tree as git status sees it: b/y.md unchanged, not deleted.
  StatusView status(repo, {});
  std::vector<std::string> seen;
  status.walk("", [&](const FileEntry& e) { seen.push_back(e.path); });
  EXPECT_EQ(seen, (std::vector<std::string>{"a/x.md", "b/y.md"}));
  EXPECT_TRUE(status.is_dir("b"));
  EXPECT_EQ(status.list_dirs(""), (std::vector<std::string>{"a", "b"}));
}


// run_git (issue 17)


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
