#include "git/tree_view.h"

#include <gtest/gtest.h>

#include <cstdint>

#include <map>

#include "git/error.h"
#include "git/testing.h"

namespace kg {
namespace {

using namespace gittest;

std::map<std::string, FileEntry> walk_all(const View& view, std::string_view dir,
                                          const View::SkipDir& skip) {
  std::map<std::string, FileEntry> out;
  view.walk(dir, skip, [&](const FileEntry& e) { out.emplace(e.path, e); });
  return out;
}

bool never(std::string_view) { return false; }

TEST(GitTreeView, WalksOnlyTheSubfolderAsked) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  write_file(root / "_kano/backlog/items/task/0000/KABSD-TSK-0001_a.md", "a\n");
  write_file(root / "_kano/backlog/items/_trash/KABSD-TSK-0001_old.md", "old\n");
  write_file(root / "_kano/backlog/README.md", "readme\n");
  write_file(root / "other/huge/file.bin", "payload\n");
  commit_all(root, "first");

  // Remove the tree object of `other`: touching it would now fail, which
  // shows that a walk of `_kano/backlog` never loads it.
  const std::string other = trimmed(git(root, "rev-parse HEAD:other"));
  fs::remove(root / ".git/objects" / other.substr(0, 2) / other.substr(2));

  Repo repo = Repo::open(root.native());
  TreeView view(repo, *repo.head_tree());
  auto files = walk_all(view, "_kano/backlog", [](std::string_view name) { return name == "_trash"; });
  ASSERT_EQ(files.size(), 2u);
  const FileEntry& item = files.at("_kano/backlog/items/task/0000/KABSD-TSK-0001_a.md");
  EXPECT_EQ(item.size, 0u);  // unknown for trees: reading every header costs
  EXPECT_FALSE(item.symlink);
  EXPECT_EQ(item.stage, 0);
  EXPECT_EQ(to_hex(item.oid),
            trimmed(git(root, "rev-parse HEAD:_kano/backlog/items/task/0000/KABSD-TSK-0001_a.md")));
  EXPECT_EQ(view.read(item), "a\n");
  EXPECT_TRUE(files.count("_kano/backlog/README.md"));

  EXPECT_EQ(walk_all(view, "/_kano/backlog/items/", never).size(), 2u);  // slashes trimmed
  EXPECT_TRUE(walk_all(view, "no/such/dir", never).empty());
  EXPECT_TRUE(walk_all(view, "_kano/backlog/README.md", never).empty());  // a file, not a folder
  EXPECT_THROW(walk_all(view, "", never), GitError);                      // reaches `other`

  EXPECT_EQ(view.list_dirs("_kano/backlog/items"), (std::vector<std::string>{"_trash", "task"}));
  EXPECT_EQ(view.list_dirs("_kano/backlog/README.md"), std::vector<std::string>{});
  EXPECT_TRUE(view.exists("_kano/backlog"));
  EXPECT_TRUE(view.is_dir("_kano/backlog"));
  EXPECT_TRUE(view.exists("_kano/backlog/README.md"));
  EXPECT_FALSE(view.is_dir("_kano/backlog/README.md"));
  EXPECT_FALSE(view.exists("_kano/nope"));
  EXPECT_EQ(view.read("_kano/backlog/README.md", SIZE_MAX), "readme\n");
  EXPECT_EQ(view.read("_kano/backlog/README.md", 3), "rea");  // within the limit asked for
  EXPECT_EQ(view.read("_kano/backlog", SIZE_MAX), std::nullopt);
  EXPECT_EQ(view.read("_kano/missing.md", SIZE_MAX), std::nullopt);
}

TEST(GitTreeView, SymlinksAndNonUtf8Names) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  const std::string bad_name = "KABSD-TSK-0002_\xff\xfe-caf\xe9.md";  // Latin-1, not UTF-8
  write_file(root / "d" / bad_name, "bytes\n");
  write_file(root / "e/inner.md", "inner\n");
  fs::create_symlink("target.md", root / "d/link.md");
  fs::create_symlink("../e", root / "d/dirlink");
  commit_all(root, "first");

  Repo repo = Repo::open(root.native());
  TreeView view(repo, repo.resolve_tree("HEAD"));
  auto files = walk_all(view, "d", never);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(view.read(files.at("d/" + bad_name)), "bytes\n");
  EXPECT_EQ(view.read("d/" + bad_name, SIZE_MAX), "bytes\n");
  const FileEntry& link = files.at("d/link.md");
  EXPECT_TRUE(link.symlink);
  EXPECT_EQ(link.size, 0u);
  EXPECT_EQ(view.read(link), "target.md");
  const FileEntry& dirlink = files.at("d/dirlink");  // listed, not followed
  EXPECT_TRUE(dirlink.symlink);
  EXPECT_FALSE(view.is_dir("d/dirlink"));
  EXPECT_EQ(view.read("d/dirlink", SIZE_MAX), "../e");
}

TEST(GitTreeView, ReadsPrefixOfLooseAndPackedBlobs) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  std::string big;
  for (int i = 0; big.size() < 3'000'000; ++i) big += "line " + std::to_string(i) + "\n";
  write_file(root / "big.txt", big);
  commit_all(root, "first");

  for (bool packed : {false, true}) {
    if (packed) git(root, "gc -q");
    Repo repo = Repo::open(root.native());
    TreeView view(repo, *repo.head_tree());
    auto files = walk_all(view, "", never);
    const FileEntry& e = files.at("big.txt");
    EXPECT_EQ(view.read_prefix(e, 12), big.substr(0, 12)) << "packed=" << packed;
    EXPECT_EQ(view.read_prefix(e, 0), "");
    EXPECT_EQ(view.read_prefix(e, big.size() + 10), big);
    EXPECT_EQ(view.read(e), big);
  }
}

}  // namespace
}  // namespace kg
