#include "git/repo.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "git/diff.h"
#include "git/error.h"
#include "git/index_view.h"
#include "git/testing.h"
#include "git/tree_view.h"

namespace kg {
namespace {

using namespace gittest;

TEST(GitRepo, OpensFromSubfolder) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  write_file(root / "sub/deeper/x.md", "x\n");
  commit_all(root, "first");
  git(root, "config core.hooksPath '~/my-hooks'");

  ScopedCwd cwd(root / "sub/deeper");
  Repo repo = Repo::open_from_env();
  EXPECT_EQ(repo.workdir(), root.native());
  EXPECT_EQ(repo.git_dir(), (root / ".git").native());
  EXPECT_EQ(repo.common_dir(), repo.git_dir());
  EXPECT_FALSE(repo.is_bare());
  EXPECT_FALSE(repo.is_worktree());

  std::optional<Commit> head = repo.head_commit();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->hex(), trimmed(git(root, "rev-parse HEAD")));
  EXPECT_EQ(repo.head_tree()->hex(), trimmed(git(root, "rev-parse HEAD^{tree}")));
  EXPECT_EQ(repo.resolve_tree("HEAD:sub").hex(), trimmed(git(root, "rev-parse HEAD:sub")));
  EXPECT_EQ(repo.resolve_commit("main").hex(), head->hex());
  EXPECT_THROW(repo.resolve_commit("no-such-branch"), GitError);
  EXPECT_THROW(repo.resolve_commit("HEAD^{tree}"), GitError);  // a tree does not peel to a commit

  EXPECT_EQ(repo.config_string("user.name"), "Tester");
  EXPECT_EQ(repo.config_string("core.hooksPath"), "~/my-hooks");
  EXPECT_EQ(repo.config_path("core.hooksPath"), std::string(std::getenv("HOME")) + "/my-hooks");
  EXPECT_EQ(repo.config_string("no.such"), std::nullopt);
  EXPECT_EQ(repo.config_bool("core.bare"), false);
}

TEST(GitRepo, NotARepositoryIsItsOwnError) {
  CleanGitEnv clean;
  TempDir tmp;
  fs::create_directories(tmp / "plain/dir");
  ScopedEnv ceiling("GIT_CEILING_DIRECTORIES", tmp.path().native());
  ScopedCwd cwd(tmp / "plain/dir");
  EXPECT_THROW(Repo::open_from_env(), NotARepository);
  {
    ScopedEnv dir("GIT_DIR", (tmp / "missing.git").native());
    EXPECT_THROW(Repo::open_from_env(), NotARepository);
  }
  EXPECT_THROW(Repo::open((tmp / "plain").native()), NotARepository);
}

TEST(GitRepo, BareRepositoryHasTreesButNoWorkdir) {
  CleanGitEnv clean;
  TempDir tmp;
  init_repo(tmp / "src");
  write_file(tmp / "src/_kano/a.md", "alpha\n");
  commit_all(tmp / "src", "first");
  sh("git clone -q --bare " + quote((tmp / "src").native()) + " " + quote((tmp / "bare.git").native()));

  ScopedCwd cwd(tmp / "bare.git");
  Repo repo = Repo::open_from_env();
  EXPECT_TRUE(repo.is_bare());
  EXPECT_EQ(repo.workdir(), "");
  EXPECT_EQ(repo.git_dir(), (tmp / "bare.git").native());
  std::optional<Tree> head = repo.head_tree();
  ASSERT_TRUE(head);
  TreeView view(repo, *head);
  EXPECT_EQ(view.read("_kano/a.md", SIZE_MAX), "alpha\n");
  EXPECT_THROW(diff_tree_to_workdir(repo, head, {}), GitError);
}

TEST(GitRepo, UnbornHead) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  write_file(root / "a/new.md", "new\n");
  git(root, "add a/new.md");

  ScopedCwd cwd(root);
  Repo repo = Repo::open_from_env();
  EXPECT_EQ(repo.head_commit(), std::nullopt);
  EXPECT_EQ(repo.head_tree(), std::nullopt);
  IndexView index(repo);
  EXPECT_EQ(index.read("a/new.md", SIZE_MAX), "new\n");
  std::vector<Change> changes = diff_tree_to_index(repo, repo.head_tree(), index, {});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].status, Change::Status::Added);
  EXPECT_EQ(changes[0].new_path, "a/new.md");
}

TEST(GitRepo, IndexFileFromEnvironment) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  write_file(root / "a.md", "a\n");
  commit_all(root, "first");
  write_file(root / "b.md", "b\n");
  // What `git commit -a` does: stage into a temporary index for the hooks.
  sh("cd " + quote(root.native()) +
     " && cp .git/index .git/temp-index && GIT_INDEX_FILE=.git/temp-index git add b.md");

  std::optional<Repo> repo;
  {
    ScopedCwd cwd(root);
    ScopedEnv index_file("GIT_INDEX_FILE", ".git/temp-index");  // relative, as git sets it
    repo.emplace(Repo::open_from_env());
  }
  // Read after leaving the folder: the relative path was made absolute.
  IndexView staged(*repo);
  EXPECT_EQ(staged.read("b.md", SIZE_MAX), "b\n");
  EXPECT_EQ(staged.read("a.md", SIZE_MAX), "a\n");
  EXPECT_EQ(git_index_path(staged.raw()), (root / ".git/temp-index").native());

  ScopedCwd cwd(root);
  Repo plain = Repo::open_from_env();
  EXPECT_EQ(IndexView(plain).read("b.md", SIZE_MAX), std::nullopt);
}

TEST(GitRepo, WorkTreeFromEnvironment) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  commit_all(root, "first");
  fs::create_directories(tmp / "elsewhere/sub");

  ScopedEnv dir("GIT_DIR", (root / ".git").native());
  {
    // `git --work-tree=. ...` exports GIT_WORK_TREE=. to its hooks;
    // libgit2 1.5.1 alone refuses the variable.
    ScopedCwd cwd(tmp / "elsewhere");
    ScopedEnv work_tree("GIT_WORK_TREE", ".");
    Repo repo = Repo::open_from_env();
    EXPECT_EQ(repo.workdir(), (tmp / "elsewhere").native());
    EXPECT_EQ(repo.git_dir(), (root / ".git").native());
  }
  {
    // GIT_DIR without GIT_WORK_TREE: git takes the current folder.
    ScopedCwd cwd(tmp / "elsewhere/sub");
    Repo repo = Repo::open_from_env();
    EXPECT_EQ(repo.workdir(), (tmp / "elsewhere/sub").native());
  }
  {
    ScopedCwd cwd(root);
    EXPECT_EQ(Repo::open_from_env().workdir(), root.native());
  }
}

}  // namespace
}  // namespace kg
