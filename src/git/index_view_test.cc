#include "git/index_view.h"

#include <gtest/gtest.h>

#include <cstdint>

#include <vector>

#include "git/testing.h"

namespace kg {
namespace {

using namespace gittest;

std::vector<std::string> paths_below(const View& view, std::string_view dir,
                                     const View::SkipDir& skip) {
  std::vector<std::string> out;
  view.walk(dir, skip, [&](const FileEntry& e) { out.push_back(e.path); });
  return out;
}

TEST(GitIndexView, ListsStagedFilesBelowAFolder) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  // Names around '/' in byte order: "a-b" < "a.b" < "a/" < "a0".
  for (const char* p : {"a-b.md", "a.b/y.md", "a/x.md", "a/z/deep.md", "a/_trash/t.md", "a0.md"}) {
    write_file(root / p, std::string(p) + "\n");
  }
  commit_all(root, "first");
  write_file(root / "a/staged.md", "staged\n");
  write_file(root / "a/intent.md", "intent\n");
  git(root, "add a/staged.md && git -C " + quote(root.native()) + " add -N a/intent.md");
  const std::string head = trimmed(git(root, "rev-parse HEAD"));
  git(root, "update-index --add --cacheinfo 160000," + head + ",a/submodule");  // a gitlink
  write_file(root / "a/x.md", "changed in the working tree only\n");

  Repo repo = Repo::open(root.native());
  IndexView view(repo);
  EXPECT_FALSE(view.has_conflicts());
  auto skip_trash = [](std::string_view name) { return name == "_trash"; };
  EXPECT_EQ(paths_below(view, "a", skip_trash),
            (std::vector<std::string>{"a/staged.md", "a/x.md", "a/z/deep.md"}));
  EXPECT_EQ(paths_below(view, "a/z", skip_trash), std::vector<std::string>{"a/z/deep.md"});
  EXPECT_EQ(paths_below(view, "", [](std::string_view) { return false; }).size(), 7u);
  EXPECT_TRUE(paths_below(view, "nope", skip_trash).empty());

  EXPECT_EQ(view.list_dirs("a"), (std::vector<std::string>{"_trash", "z"}));
  EXPECT_EQ(view.list_dirs(""), (std::vector<std::string>{"a", "a.b"}));
  EXPECT_TRUE(view.exists("a/staged.md"));
  EXPECT_TRUE(view.is_dir("a/z"));
  EXPECT_FALSE(view.is_dir("a/x.md"));
  EXPECT_FALSE(view.exists("a/intent.md"));
  EXPECT_FALSE(view.exists("a/submodule"));
  EXPECT_EQ(view.read("a/x.md", SIZE_MAX), "a/x.md\n");  // the staged content
  EXPECT_EQ(view.read("a/staged.md", SIZE_MAX), "staged\n");

  view.walk("a/z", [&](const FileEntry& e) {
    EXPECT_EQ(e.size, 12u);
    EXPECT_EQ(view.read(e), "a/z/deep.md\n");
    EXPECT_EQ(view.read_prefix(e, 3), "a/z");
  });
}

TEST(GitIndexView, ConflictedMergeShowsBothSides) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  write_file(root / "f.md", "base\n");
  commit_all(root, "base");
  git(root, "checkout -q -b other");
  write_file(root / "f.md", "theirs\n");
  commit_all(root, "theirs");
  git(root, "checkout -q main");
  write_file(root / "f.md", "ours\n");
  commit_all(root, "ours");
  git(root, "merge -q other >/dev/null 2>&1 || true");  // stops on the conflict

  Repo repo = Repo::open(root.native());
  IndexView view(repo);
  EXPECT_TRUE(view.has_conflicts());
  std::vector<std::pair<int, std::string>> seen;
  view.walk("", [&](const FileEntry& e) {
    EXPECT_EQ(e.path, "f.md");
    seen.emplace_back(e.stage, view.read(e));
  });
  EXPECT_EQ(seen, (std::vector<std::pair<int, std::string>>{{2, "ours\n"}, {3, "theirs\n"}}));
  EXPECT_EQ(view.read("f.md", SIZE_MAX), "ours\n");
}

}  // namespace
}  // namespace kg
