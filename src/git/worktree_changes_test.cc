#include "git/worktree_changes.h"

#include <gtest/gtest.h>

#include <algorithm>

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
  fs::remove(r / "b" / "d0" / "0.md");  // deleted: it differs from the index too
  EXPECT_EQ(changes(r, {"b"}), (std::vector<std::string>{"b/d0/0.md", "b/d1/4.md", "b/d2/new.md"}));
  EXPECT_EQ(changes(r, {"b/d2", "other"}), (std::vector<std::string>{"b/d2/new.md", "other/o.md"}));
  EXPECT_TRUE(changes(r, {"missing"}).empty());
}

// A deleted file, folder or backlog folder, and a file that became a
// folder, differ from the index as `git status` says; a sparse checkout's
// skip-worktree files, absent on purpose, do not.
TEST(WorktreeChanges, FilesTheWorkingTreeNoLongerHasAreListed) {
  TempDir dir;
  const fs::path& r = dir.path();
  old_files_committed(r);
  fs::remove(r / "b" / "d1" / "1.md");
  fs::remove_all(r / "b" / "d2");
  fs::remove(r / "b" / "d0" / "0.md");
  fs::create_directories(r / "b" / "d0" / "0.md");
  auto listed = changes(r, {"b"});
  EXPECT_EQ(listed.size(), 12u);  // 0.md, 1.md and the ten files of d2
  EXPECT_TRUE(std::is_sorted(listed.begin(), listed.end()));
  EXPECT_EQ(listed.front(), "b/d0/0.md");
  EXPECT_EQ(listed.at(1), "b/d1/1.md");
  EXPECT_EQ(listed.at(2).rfind("b/d2/", 0), 0u);
  fs::remove_all(r / "b");
  // A folder that is gone takes all its files, pruned ones too: the caller
  // places what it reads.
  EXPECT_EQ(changes(r, {"b"}).size(), 31u);
  sh("git -C " + quote(r.native()) + " checkout -q -- b && git -C " + quote(r.native()) +
     " update-index --skip-worktree b/d1/4.md");
  fs::remove(r / "b" / "d1" / "4.md");
  listed = changes(r, {"b"});
  EXPECT_EQ(std::count(listed.begin(), listed.end(), "b/d1/4.md"), 0);
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
