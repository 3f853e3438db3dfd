#include "git/refs.h"

#include <gtest/gtest.h>

#include "git/testing.h"

namespace kg {
namespace {

using namespace gittest;

std::vector<std::string> names_of(const std::vector<std::pair<std::string, Tree>>& refs) {
  std::vector<std::string> out;
  for (const auto& [name, tree] : refs) out.push_back(name);
  return out;
}

TEST(GitRefs, IncludeRemoteTrackingBranchesOnceEachTree) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path origin = tmp / "origin";
  const fs::path clone = tmp / "clone";
  init_repo(origin);
  write_file(origin / "a.md", "a\n");
  commit_all(origin, "first");
  git(origin, "branch same");  // same tree as main
  git(origin, "checkout -q -b feature");
  write_file(origin / "feature.md", "f\n");
  commit_all(origin, "feature");
  git(origin, "checkout -q main");
  sh("git clone -q " + quote(origin.native()) + " " + quote(clone.native()));
  git(clone, "config user.name Tester && git -C " + quote(clone.native()) +
                 " config user.email tester@example.com");

  // Work that reaches the clone only by fetching.
  git(origin, "checkout -q -b later");
  write_file(origin / "later.md", "l\n");
  commit_all(origin, "later");
  git(clone, "fetch -q origin");
  // A local branch with a tree of its own.
  git(clone, "checkout -q -b local");
  write_file(clone / "local.md", "x\n");
  commit_all(clone, "local");
  git(clone, "checkout -q main");

  Repo repo = Repo::open(clone.native());
  auto refs = ref_trees(repo);
  EXPECT_EQ(names_of(refs), (std::vector<std::string>{"HEAD", "refs/heads/local",
                                                      "refs/remotes/origin/feature",
                                                      "refs/remotes/origin/later"}));
  ASSERT_EQ(refs.size(), 4u);
  EXPECT_EQ(refs[0].second.hex(), trimmed(git(clone, "rev-parse HEAD^{tree}")));
  EXPECT_EQ(refs[3].second.hex(), trimmed(git(clone, "rev-parse origin/later^{tree}")));
}

TEST(GitRefs, UnbornRepositoryHasNone) {
  CleanGitEnv clean;
  TempDir tmp;
  init_repo(tmp / "repo");
  Repo repo = Repo::open((tmp / "repo").native());
  EXPECT_TRUE(ref_trees(repo).empty());
}

}  // namespace
}  // namespace kg
