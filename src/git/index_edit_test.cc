#include "git/index_edit.h"

#include <gtest/gtest.h>

#include "git/error.h"
#include "git/testing.h"

namespace kg {
namespace {

using namespace gittest;

std::string item(const std::string& id, const std::string& extra = "") {
  std::string out = "---\nid: " + id + "\nuid: 019a0000-0000-7000-8000-000000000001\n---\n";
  for (int i = 0; i < 20; ++i) out += "2025-01-01 10:00 [agent=a] step " + std::to_string(i) + "\n";
  return out + extra;
}

TEST(GitIndexEdit, StagesRenamePlusModifyLikeGitMvAndAdd) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  const std::string old_path = "items/task/0000/KABSD-TSK-0001_fix.md";
  const std::string new_path = "items/task/0000/KABSD-TSK-0002_fix.md";
  init_repo(root);
  write_file(root / old_path, item("KABSD-TSK-0001"));
  write_file(root / "unrelated.md", "u\n");
  commit_all(root, "first");
  sh("git clone -q " + quote(root.native()) + " " + quote((tmp / "twin").native()));

  // What renumber does in the working tree: rewrite under the new name.
  fs::remove(root / old_path);
  write_file(root / new_path, item("KABSD-TSK-0002"));
  {
    Repo repo = Repo::open(root.native());
    IndexEdit edit(repo);
    edit.rename(old_path, new_path);
    edit.write();
  }
  EXPECT_EQ(git(root, "status --porcelain"), "R  " + old_path + " -> " + new_path + "\n");

  // The same by hand with git in a twin clone gives the same index.
  const fs::path twin = tmp / "twin";
  git(twin, "mv " + old_path + " " + new_path);
  write_file(twin / new_path, item("KABSD-TSK-0002"));
  git(twin, "add " + new_path);
  EXPECT_EQ(git(root, "write-tree"), git(twin, "write-tree"));

  // Edited again after staging: renamed in the index, modified in the tree.
  write_file(root / new_path, item("KABSD-TSK-0002", "2025-01-02 10:00 [agent=b] more\n"));
  EXPECT_EQ(git(root, "status --porcelain"), "RM " + old_path + " -> " + new_path + "\n");

  Repo repo = Repo::open(root.native());
  IndexEdit edit(repo);
  EXPECT_THROW(edit.rename("not/tracked.md", new_path), GitError);
  write_file(root / "fresh.md", "fresh\n");
  edit.add("fresh.md");
  edit.remove("unrelated.md");
  edit.write();
  EXPECT_EQ(git(root, "status --porcelain -- fresh.md unrelated.md"),
            "A  fresh.md\nD  unrelated.md\n?? unrelated.md\n");
}

}  // namespace
}  // namespace kg
