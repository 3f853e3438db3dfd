#include "git/workdir_view.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdint>
#include <map>

#include "git/testing.h"

namespace kg {
namespace {

using namespace gittest;

TEST(GitWorkdirView, ListsFilesSkipsGitAndDoesNotFollowSymlinks) {
  TempDir tmp;
  const fs::path root = tmp / "wt";
  init_repo(root);
  const std::string bad_name = "KABSD-TSK-0003_\xff\xfe.md";
  write_file(root / "b" / bad_name, "raw\n");
  write_file(root / "b/items/x.md", "0123456789");
  write_file(root / "b/_trash/t.md", "t\n");
  write_file(root / "elsewhere/secret.md", "s\n");
  fs::create_symlink("../elsewhere", root / "b/dirlink");
  fs::create_symlink("items/x.md", root / "b/filelink");
  write_file(root / "b/.git", "gitdir: /nowhere\n");  // like a nested worktree's .git file

  WorkdirView view(root);
  std::map<std::string, FileEntry> files;
  view.walk("b", [](std::string_view n) { return n == "_trash"; },
            [&](const FileEntry& e) { files.emplace(e.path, e); });
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(view.read(files.at("b/" + bad_name)), "raw\n");
  EXPECT_EQ(files.at("b/items/x.md").size, 10u);
  EXPECT_FALSE(files.at("b/items/x.md").symlink);
  EXPECT_TRUE(git_oid_is_zero(&files.at("b/items/x.md").oid));
  EXPECT_TRUE(files.at("b/dirlink").symlink);
  EXPECT_TRUE(files.at("b/filelink").symlink);
  EXPECT_EQ(view.read("b/filelink", SIZE_MAX), "items/x.md");  // the target, as git stores it
  EXPECT_EQ(view.read_prefix(files.at("b/items/x.md"), 4), "0123");

  std::vector<std::string> all;
  view.walk("", [&](const FileEntry& e) { all.push_back(e.path); });
  for (const std::string& p : all) EXPECT_NE(p.substr(0, 5), ".git/") << p;
  EXPECT_EQ(all.size(), 6u);

  EXPECT_EQ(view.list_dirs(""), (std::vector<std::string>{"b", "elsewhere"}));
  EXPECT_EQ(view.list_dirs("b"), (std::vector<std::string>{"_trash", "items"}));
  EXPECT_FALSE(view.exists(".git"));
  EXPECT_FALSE(view.exists(".git/HEAD"));
  EXPECT_EQ(view.read(".git/HEAD", SIZE_MAX), std::nullopt);
  EXPECT_TRUE(view.exists("b/dirlink"));
  EXPECT_FALSE(view.is_dir("b/dirlink"));
  EXPECT_TRUE(view.is_dir("b/items"));
  EXPECT_EQ(view.read("b/items", SIZE_MAX), std::nullopt);
  EXPECT_EQ(view.read("b/none.md", SIZE_MAX), std::nullopt);
  EXPECT_THROW(view.read(FileEntry{"b/none.md", {}, false, 0, 0}), std::runtime_error);
}

// Repository content is read within a limit, and a FIFO where a file
// should be is not opened for reading (it would block the hook).
TEST(GitWorkdirView, ReadsWithinALimitAndNeverAFifo) {
  TempDir tmp;
  const fs::path root = tmp / "wt";
  init_repo(root);
  write_file(root / "b/x.md", "0123456789");
  ASSERT_EQ(::mkfifo((root / "b/fifo.md").c_str(), 0644), 0);
  WorkdirView view(root);
  EXPECT_EQ(view.read("b/x.md", 4), "0123");
  EXPECT_EQ(view.read("b/x.md", SIZE_MAX), "0123456789");
  EXPECT_EQ(view.read("b/fifo.md", SIZE_MAX), std::nullopt);
}

}  // namespace
}  // namespace kg
