#include "git/merge.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "git/diff.h"
#include "git/testing.h"

namespace kg {
namespace {

using namespace gittest;

// main and `other` both change f.md (or add files) after a common base.
struct Forked {
  TempDir tmp;
  fs::path root = tmp / "repo";
  std::string base;

  Forked() {
    init_repo(root);
    write_file(root / "f.md", "base\n");
    commit_all(root, "base");
    base = trimmed(git(root, "rev-parse HEAD"));
    git(root, "branch other");
  }
  void on(const std::string& branch, const std::string& path, const std::string& content) {
    git(root, "checkout -q " + branch);
    write_file(root / path, content);
    commit_all(root, branch + " " + path);
  }
};

TEST(GitMerge, ConflictKeepsBothSidesAndTouchesNothing) {
  CleanGitEnv clean;
  Forked repo_dir;
  repo_dir.on("other", "f.md", "theirs\n");
  repo_dir.on("main", "f.md", "ours\n");

  Repo repo = Repo::open(repo_dir.root.native());
  Commit ours = repo.resolve_commit("main");
  Commit theirs = repo.resolve_commit("other");
  IndexView merged = merge_in_memory(repo, ours, theirs);
  EXPECT_TRUE(merged.has_conflicts());
  std::vector<std::pair<int, std::string>> seen;
  merged.walk("", [&](const FileEntry& e) { seen.emplace_back(e.stage, e.path + ":" + merged.read(e)); });
  EXPECT_EQ(seen, (std::vector<std::pair<int, std::string>>{{2, "f.md:ours\n"}, {3, "f.md:theirs\n"}}));

  std::vector<Change> changes = diff_tree_to_index(repo, ours.tree(), merged, {});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].status, Change::Status::Conflicted);

  EXPECT_EQ(git(repo_dir.root, "status --porcelain"), "");
  EXPECT_EQ(trimmed(git(repo_dir.root, "rev-parse HEAD")), ours.hex());
  std::optional<Commit> base = merge_base(repo, ours, theirs);
  ASSERT_TRUE(base);
  EXPECT_EQ(base->hex(), repo_dir.base);
}

TEST(GitMerge, CleanMergeContainsBothSidesNewFiles) {
  CleanGitEnv clean;
  Forked repo_dir;
  // Two clones reserving the same number: different slugs, no conflict.
  repo_dir.on("other", "items/KABSD-TSK-0007_theirs.md", "id: KABSD-TSK-0007\n");
  repo_dir.on("main", "items/KABSD-TSK-0007_ours.md", "id: KABSD-TSK-0007\n");
  repo_dir.on("main", "f.md", "base\nmore\n");

  Repo repo = Repo::open(repo_dir.root.native());
  Commit ours = repo.resolve_commit("main");
  IndexView merged = merge_in_memory(repo, ours, repo.resolve_commit("other"));
  EXPECT_FALSE(merged.has_conflicts());
  std::vector<std::string> paths;
  merged.walk("items", [&](const FileEntry& e) {
    EXPECT_EQ(e.stage, 0);
    paths.push_back(e.path);
  });
  EXPECT_EQ(paths, (std::vector<std::string>{"items/KABSD-TSK-0007_ours.md",
                                             "items/KABSD-TSK-0007_theirs.md"}));
  EXPECT_EQ(merged.read("f.md", SIZE_MAX), "base\nmore\n");

  std::vector<Change> introduced = diff_tree_to_index(repo, ours.tree(), merged, {});
  ASSERT_EQ(introduced.size(), 1u);
  EXPECT_EQ(introduced[0].status, Change::Status::Added);
  EXPECT_EQ(introduced[0].new_path, "items/KABSD-TSK-0007_theirs.md");
}

TEST(GitMerge, UnrelatedHistoriesHaveNoBase) {
  CleanGitEnv clean;
  Forked repo_dir;
  git(repo_dir.root, "checkout -q --orphan lonely");
  commit_all(repo_dir.root, "lonely");
  Repo repo = Repo::open(repo_dir.root.native());
  EXPECT_EQ(merge_base(repo, repo.resolve_commit("main"), repo.resolve_commit("lonely")),
            std::nullopt);
}

}  // namespace
}  // namespace kg
