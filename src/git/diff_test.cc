#include "git/diff.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "git/testing.h"

namespace kg {
namespace {

using namespace gittest;

std::string lines(int n, const std::string& tag) {
  std::string out = "---\nid: " + tag + "\n---\n";
  for (int i = 0; i < n; ++i) out += "worklog line " + std::to_string(i) + "\n";
  return out;
}

// "R old -> new", "A path", ... sorted.
std::vector<std::string> summary(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const Change& c : changes) {
    switch (c.status) {
      case Change::Status::Added: out.push_back("A " + c.new_path); break;
      case Change::Status::Deleted: out.push_back("D " + c.old_path); break;
      case Change::Status::Modified: out.push_back("M " + c.new_path); break;
      case Change::Status::Renamed: out.push_back("R " + c.old_path + " -> " + c.new_path); break;
      case Change::Status::Conflicted: out.push_back("U " + c.new_path); break;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Fixture {
  TempDir tmp;
  fs::path root = tmp / "repo";
  Fixture() {
    init_repo(root);
    write_file(root / "items/KABSD-TSK-0001_old.md", lines(30, "KABSD-TSK-0001"));
    write_file(root / "items/gone.md", "gone\n");
    write_file(root / "items/edit.md", "before\n");
    write_file(root / "other/x.md", "x\n");
    commit_all(root, "first");
  }
};

TEST(GitDiff, TreeToTreeWithRenameRestrictedToPrefixes) {
  CleanGitEnv clean;
  Fixture f;
  git(f.root, "mv items/KABSD-TSK-0001_old.md items/KABSD-TSK-0002_new.md");
  write_file(f.root / "items/KABSD-TSK-0002_new.md", lines(30, "KABSD-TSK-0002"));
  git(f.root, "rm -q items/gone.md");
  write_file(f.root / "items/edit.md", "after\n");
  write_file(f.root / "items/added.md", "added\n");
  write_file(f.root / "other/x.md", "changed\n");
  commit_all(f.root, "second");

  Repo repo = Repo::open(f.root.native());
  std::optional<Tree> before = repo.resolve_tree("HEAD~1");
  std::optional<Tree> after = repo.head_tree();
  DiffOptions options;
  options.paths = {"items/"};
  EXPECT_EQ(summary(diff_trees(repo, before, after, options)),
            (std::vector<std::string>{"A items/added.md", "D items/gone.md", "M items/edit.md",
                                      "R items/KABSD-TSK-0001_old.md -> items/KABSD-TSK-0002_new.md"}));
  options.find_renames = false;
  EXPECT_EQ(summary(diff_trees(repo, before, after, options)).size(), 5u);

  options.paths = {"other", "items/edit.md"};
  EXPECT_EQ(summary(diff_trees(repo, before, after, options)),
            (std::vector<std::string>{"M items/edit.md", "M other/x.md"}));
  options.paths = {"ite"};  // a prefix of a name is not a folder prefix
  EXPECT_TRUE(diff_trees(repo, before, after, options).empty());
  options.paths = {"item?"};  // literal, not a glob
  EXPECT_TRUE(diff_trees(repo, before, after, options).empty());

  // From nothing (unborn HEAD): everything is added.
  options.paths = {};
  EXPECT_EQ(summary(diff_trees(repo, std::nullopt, after, options)),
            (std::vector<std::string>{"A items/KABSD-TSK-0002_new.md", "A items/added.md",
                                      "A items/edit.md", "A other/x.md"}));
}

TEST(GitDiff, TreeToIndexAndToWorkdir) {
  CleanGitEnv clean;
  Fixture f;
  git(f.root, "mv items/KABSD-TSK-0001_old.md items/KABSD-TSK-0001_renamed.md");
  write_file(f.root / "items/edit.md", "unstaged\n");
  write_file(f.root / "items/untracked.md", "new\n");

  Repo repo = Repo::open(f.root.native());
  DiffOptions options;
  options.paths = {"items"};
  EXPECT_EQ(summary(diff_tree_to_index(repo, repo.head_tree(), IndexView(repo), options)),
            (std::vector<std::string>{
                "R items/KABSD-TSK-0001_old.md -> items/KABSD-TSK-0001_renamed.md"}));
  EXPECT_EQ(summary(diff_tree_to_workdir(repo, repo.head_tree(), options)),
            (std::vector<std::string>{
                "M items/edit.md",
                "R items/KABSD-TSK-0001_old.md -> items/KABSD-TSK-0001_renamed.md"}));
  options.include_untracked = true;
  EXPECT_EQ(summary(diff_tree_to_workdir(repo, repo.head_tree(), options)),
            (std::vector<std::string>{
                "A items/untracked.md", "M items/edit.md",
                "R items/KABSD-TSK-0001_old.md -> items/KABSD-TSK-0001_renamed.md"}));

  // A rename done in the working tree only, found among untracked files.
  fs::rename(f.root / "items/KABSD-TSK-0001_renamed.md", f.root / "items/moved-again.md");
  git(f.root, "rm -q --cached items/KABSD-TSK-0001_renamed.md");
  EXPECT_EQ(summary(diff_tree_to_workdir(repo, repo.head_tree(), options)),
            (std::vector<std::string>{"A items/untracked.md", "M items/edit.md",
                                      "R items/KABSD-TSK-0001_old.md -> items/moved-again.md"}));
}

}  // namespace
}  // namespace kg
