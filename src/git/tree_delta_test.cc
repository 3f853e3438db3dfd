// tree_delta (libgit2's tree diff) against git's own plumbing:
// `git diff-tree -r -z --no-renames`.
#include "git/tree_delta.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "git/random_edits.h"
#include "git/testing.h"
#include "git/view.h"

namespace kg {
namespace {

using namespace gittest;

constexpr const char* kEmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

bool is_file_mode(uint32_t mode) { return mode == 0100644 || mode == 0100755 || mode == 0120000; }

// git diff-tree's records ":OLDMODE NEWMODE OLD NEW STATUS\0PATH\0" in Delta
// form: a side that is no file (absent, a gitlink) is zero.
std::vector<Delta> parse_diff_tree(const std::string& out) {
  std::vector<Delta> deltas;
  size_t at = 0;
  while (at < out.size()) {
    const size_t meta_end = out.find('\0', at);
    const size_t path_end = out.find('\0', meta_end + 1);
    EXPECT_NE(path_end, std::string::npos) << "truncated diff-tree output";
    if (path_end == std::string::npos) break;
    const std::string meta = out.substr(at, meta_end - at);
    Delta d;
    d.path = out.substr(meta_end + 1, path_end - meta_end - 1);
    at = path_end + 1;
    const uint32_t old_mode = static_cast<uint32_t>(std::stoul(meta.substr(1, 6), nullptr, 8));
    const uint32_t new_mode = static_cast<uint32_t>(std::stoul(meta.substr(8, 6), nullptr, 8));
    if (!is_file_mode(old_mode) && !is_file_mode(new_mode)) continue;
    if (is_file_mode(old_mode)) {
      d.old_mode = old_mode;
      EXPECT_EQ(git_oid_fromstr(&d.old_oid, meta.substr(15, 40).c_str()), 0);
    }
    if (is_file_mode(new_mode)) {
      d.new_mode = new_mode;
      EXPECT_EQ(git_oid_fromstr(&d.new_oid, meta.substr(56, 40).c_str()), 0);
    }
    deltas.push_back(std::move(d));
  }
  return deltas;  // git lists in path order
}

std::vector<Delta> git_diff_tree(const fs::path& root, const std::optional<Tree>& a, const std::optional<Tree>& b,
                                 const std::vector<std::string>& prefixes) {
  std::string args = "--literal-pathspecs diff-tree -r -z --no-renames ";
  args += (a ? a->hex() : kEmptyTree) + std::string(" ") + (b ? b->hex() : kEmptyTree) + " --";
  for (const std::string& p : prefixes) {
    if (trim_slashes(p).empty()) {  // the whole tree
      args.erase(args.size() - 3);
      break;
    }
    args += " " + quote(std::string(trim_slashes(p)));
  }
  return parse_diff_tree(git(root, args));
}

const std::vector<std::vector<std::string>> kPrefixSets = {
    {}, {"a"}, {"a.b"}, {"a/a", "a0"}, {"b/a.b/", "a-b/a"}, {"a", "a/a"}, {"nope"}, {""}};

void expect_matches_git(const fs::path& root, const Repo& repo, const std::optional<Tree>& a,
                        const std::optional<Tree>& b, const std::string& what) {
  for (const auto& prefixes : kPrefixSets) {
    EXPECT_EQ(render(tree_delta(repo, a, b, prefixes)), render(git_diff_tree(root, a, b, prefixes)))
        << what << ", prefixes " << ::testing::PrintToString(prefixes);
  }
}

TEST(GitTreeDelta, RandomEditsMatchGitDiffTree) {
  CleanGitEnv clean;
  Seen seen;
  for (const uint32_t seed : {42u, 7u}) {
    TempDir tmp;
    const fs::path root = tmp / "repo";
    init_repo(root);
    Editor editor(root, seed);
    for (int i = 0; i < 12; ++i) editor.edit();
    commit_all(root, "first");
    Repo repo = Repo::open(root.native());
    const std::optional<Tree> first = repo.head_tree();
    expect_matches_git(root, repo, std::nullopt, first, "from the empty tree");
    expect_matches_git(root, repo, first, std::nullopt, "to the empty tree");
    for (int round = 0; round < 20 && !HasFailure(); ++round) {
      const std::optional<Tree> before = repo.head_tree();
      const int edits = 1 + static_cast<int>(editor.next() % 4);
      for (int i = 0; i < edits; ++i) editor.edit();
      git(root, "add -A");
      git(root, "commit -q --allow-empty -m " + std::to_string(round));
      const std::optional<Tree> after = repo.head_tree();
      seen.add(tree_delta(repo, before, after, {}));
      const std::string what = "seed " + std::to_string(seed) + " round " + std::to_string(round);
      expect_matches_git(root, repo, before, after, what);
      expect_matches_git(root, repo, after, before, what + " reversed");
    }
  }
  EXPECT_GT(seen.deltas, 40);
  EXPECT_GT(seen.type_changes, 0);
  EXPECT_GT(seen.exec_changes, 0);
  EXPECT_GT(seen.file_folder, 0);
}

TEST(GitTreeDelta, GitlinksAreNotFiles) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  write_file(root / "a/x.md", "x\n");
  write_file(root / "a/file-then-link", "f\n");
  commit_all(root, "first");
  const std::string head = trimmed(git(root, "rev-parse HEAD"));
  git(root, "update-index --add --cacheinfo 160000," + head + ",a/sub");
  git(root, "rm -q --cached a/file-then-link");
  git(root, "update-index --add --cacheinfo 160000," + head + ",a/file-then-link");
  git(root, "commit -q -m gitlinks");
  Repo repo = Repo::open(root.native());
  const std::optional<Tree> first = repo.resolve_tree("HEAD~1");
  const std::optional<Tree> second = repo.head_tree();
  const std::vector<Delta> deltas = tree_delta(repo, first, second, {});
  ASSERT_EQ(deltas.size(), 1u) << render(deltas);
  EXPECT_EQ(deltas[0].path, "a/file-then-link");
  EXPECT_EQ(deltas[0].old_mode, 0100644u);
  EXPECT_EQ(deltas[0].new_mode, 0u) << "the gitlink side is absent";
  EXPECT_TRUE(git_oid_is_zero(&deltas[0].new_oid));
  EXPECT_EQ(render(deltas), render(git_diff_tree(root, first, second, {})));
  EXPECT_TRUE(tree_delta(repo, second, second, {}).empty());
}

}  // namespace
}  // namespace kg
