#include "git/worktree_changes.h"

#include <gtest/gtest.h>

#include "git/testing.h"
#include "model/layout.h"

namespace kg {
namespace {

using namespace gittest;

std::vector<std::string> changes(const fs::path& repo, const std::vector<std::string>& dirs) {
  auto index = IndexFile::read((repo / ".git" / "index").string());
  EXPECT_TRUE(index);
  return worktree_changes(repo.string(), *index, dirs, is_excluded_dir);
}

// A repository whose files were last touched long before its index was
// written, so none of them is racily clean.
void old_files_committed(const fs::path& repo) {
  init_repo(repo);
  for (int i = 0; i < 30; ++i) write_file(repo / "b" / ("d" + std::to_string(i % 3)) / (std::to_string(i) + ".md"), "x\n");
  write_file(repo / "b" / "_trash" / "gone.md", "x\n");
  write_file(repo / "other" / "o.md", "x\n");
  sh("find " + quote(repo.native()) + " -path '*/.git' -prune -o -type f -exec touch -d '2020-01-01' {} +");
  commit_all(repo, "files");
}

TEST(WorktreeChanges, NothingChangedListsNothing) {
  TempDir dir;
  old_files_committed(dir.path());
  EXPECT_TRUE(changes(dir.path(), {"b"}).empty());
}

TEST(WorktreeChanges, ModifiedAndUntrackedFilesOnlyBelowTheFoldersAsked) {
  TempDir dir;
  const fs::path& r = dir.path();
  old_files_committed(r);
  write_file(r / "b" / "d1" / "4.md", "changed\n");
  write_file(r / "b" / "d2" / "new.md", "new\n");
  write_file(r / "b" / "_trash" / "new.md", "pruned\n");
  write_file(r / "other" / "o.md", "changed, not asked\n");
  fs::create_symlink("4.md", r / "b" / "d1" / "link.md");
  fs::remove(r / "b" / "d0" / "0.md");  // deleted: nothing to read
  EXPECT_EQ(changes(r, {"b"}), (std::vector<std::string>{"b/d1/4.md", "b/d2/new.md"}));
  EXPECT_EQ(changes(r, {"b/d2", "other"}), (std::vector<std::string>{"b/d2/new.md", "other/o.md"}));
  EXPECT_TRUE(changes(r, {"missing"}).empty());
}

TEST(WorktreeChanges, SameSizeRewriteIsCaughtByItsTimestamp) {
  TempDir dir;
  const fs::path& r = dir.path();
  old_files_committed(r);
  write_file(r / "b" / "d0" / "3.md", "y\n");  // same size, new mtime
  EXPECT_EQ(changes(r, {"b"}), (std::vector<std::string>{"b/d0/3.md"}));
}

TEST(WorktreeChanges, RacilyCleanFilesAreListed) {
  TempDir dir;
  const fs::path& r = dir.path();
  init_repo(r);
  write_file(r / "b" / "a.md", "x\n");
  commit_all(r, "now");  // file and index written in the same moment
  write_file(r / "b" / "a.md", "z\n");
  auto index = IndexFile::read((r / ".git" / "index").string());
  ASSERT_TRUE(index);
  // Whatever the clock did, a file git cannot vouch for by stat is listed.
  auto listed = worktree_changes(r.string(), *index, {"b"}, is_excluded_dir);
  EXPECT_EQ(listed, (std::vector<std::string>{"b/a.md"}));
}

}  // namespace
}  // namespace kg
