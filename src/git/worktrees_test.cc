#include "git/worktrees.h"

#include <gtest/gtest.h>

#include "git/testing.h"
#include "git/workdir_view.h"

namespace kg {
namespace {

using namespace gittest;

TEST(GitWorktrees, LinkedWorktreesShareTheCommonDirAndSeeEachOther) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path main = tmp / "main";
  init_repo(main);
  write_file(main / "sub/a.md", "a\n");
  commit_all(main, "first");
  for (const char* name : {"wt1", "wt2", "gone"}) {
    git(main, std::string("worktree add -q ../") + name + " -b " + name);
  }
  fs::remove_all(tmp / "gone");  // prunable: its folder is missing
  const std::string wt1 = (tmp / "wt1").native();
  const std::string wt2 = (tmp / "wt2").native();

  {
    ScopedCwd cwd(tmp / "wt1/sub");
    Repo repo = Repo::open_from_env();
    EXPECT_TRUE(repo.is_worktree());
    EXPECT_EQ(repo.workdir(), wt1);
    EXPECT_EQ(repo.git_dir(), (main / ".git/worktrees/wt1").native());
    EXPECT_EQ(repo.common_dir(), (main / ".git").native());
    EXPECT_EQ(repo.head_commit()->hex(), trimmed(git(main, "rev-parse wt1")));
    EXPECT_EQ(other_worktrees(repo), (std::vector<std::string>{main.native(), wt2}));
  }
  {
    // As a hook in a linked worktree sees it: git exports GIT_DIR.
    ScopedCwd cwd(tmp / "wt2");
    ScopedEnv dir("GIT_DIR", (main / ".git/worktrees/wt2").native());
    Repo repo = Repo::open_from_env();
    EXPECT_EQ(repo.workdir(), wt2);
    EXPECT_EQ(other_worktrees(repo), (std::vector<std::string>{main.native(), wt1}));
  }
  Repo repo = Repo::open(main.native());
  EXPECT_FALSE(repo.is_worktree());
  EXPECT_EQ(repo.common_dir(), repo.git_dir());
  EXPECT_EQ(other_worktrees(repo), (std::vector<std::string>{wt1, wt2}));

  // A sibling's files, read through the plain file system (its `.git` file hidden).
  std::vector<std::string> files;
  WorkdirView(wt1).walk("", [&](const FileEntry& e) { files.push_back(e.path); });
  EXPECT_EQ(files, std::vector<std::string>{"sub/a.md"});
}

TEST(GitWorktrees, BareCloneHasNoMainWorktree) {
  CleanGitEnv clean;
  TempDir tmp;
  init_repo(tmp / "src");
  commit_all(tmp / "src", "first");
  sh("git clone -q --bare " + quote((tmp / "src").native()) + " " + quote((tmp / "bare.git").native()));
  git(tmp / "bare.git", "worktree add -q ../work -b work");

  Repo bare = Repo::open((tmp / "bare.git").native());
  EXPECT_EQ(other_worktrees(bare), std::vector<std::string>{(tmp / "work").native()});
  Repo work = Repo::open((tmp / "work").native());
  EXPECT_TRUE(work.is_worktree());
  EXPECT_EQ(other_worktrees(work), std::vector<std::string>{});
}

}  // namespace
}  // namespace kg
