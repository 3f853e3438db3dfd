// tree_delta (git diff-tree) against the other engine: libgit2's tree diff
// on a repository without the pack backend.
#include "git/tree_delta.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "git/random_edits.h"
#include "git/testing.h"
#include "git/view.h"

namespace kg {
namespace {

using namespace gittest;

bool is_file_mode(uint32_t mode) { return mode == 0100644 || mode == 0100755 || mode == 0120000; }

// The expected answer: libgit2's tree diff (renames off, type changes as one
// delta) on a repository opened plainly, without the pack backend a Repo
// installs; a side that is no file (absent, a gitlink) is zero.
std::vector<Delta> libgit2_trees(const Repo& repo, const std::optional<Tree>& a, const std::optional<Tree>& b,
                                 const std::vector<std::string>& prefixes) {
  git_repository* raw_repo = nullptr;
  EXPECT_EQ(git_repository_open(&raw_repo, repo.git_dir().c_str()), 0);
  RepositoryPtr plain(raw_repo);
  auto lookup = [&](const std::optional<Tree>& t) {
    git_tree* out = nullptr;
    if (t) {
      EXPECT_EQ(git_tree_lookup(&out, plain.get(), &t->id()), 0);
    }
    return TreePtr(out);
  };
  TreePtr old_tree = lookup(a), new_tree = lookup(b);
  std::vector<std::string> specs;
  for (const std::string& p : prefixes) {
    if (trim_slashes(p).empty()) {
      specs.clear();
      break;
    }
    specs.emplace_back(trim_slashes(p));
  }
  std::vector<char*> pointers;
  for (std::string& spec : specs) pointers.push_back(spec.data());
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH | GIT_DIFF_INCLUDE_TYPECHANGE;
  options.pathspec.strings = pointers.data();
  options.pathspec.count = pointers.size();
  git_diff* raw = nullptr;
  EXPECT_EQ(git_diff_tree_to_tree(&raw, plain.get(), old_tree.get(), new_tree.get(), &options), 0);
  DiffPtr diff(raw);
  std::vector<Delta> out;
  for (size_t i = 0; diff && i < git_diff_num_deltas(diff.get()); ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    const bool had = d->status != GIT_DELTA_ADDED && is_file_mode(d->old_file.mode);
    const bool has = d->status != GIT_DELTA_DELETED && is_file_mode(d->new_file.mode);
    if (!had && !has) continue;
    Delta x;
    x.path = has ? d->new_file.path : d->old_file.path;
    if (had) x.old_oid = d->old_file.id, x.old_mode = d->old_file.mode;
    if (has) x.new_oid = d->new_file.id, x.new_mode = d->new_file.mode;
    out.push_back(std::move(x));
  }
  std::sort(out.begin(), out.end(), [](const Delta& x, const Delta& y) { return x.path < y.path; });
  return out;
}

const std::vector<std::vector<std::string>> kPrefixSets = {
    {}, {"a"}, {"a.b"}, {"a/a", "a0"}, {"b/a.b/", "a-b/a"}, {"a", "a/a"}, {"nope"}, {""}};

void expect_matches_libgit2(const Repo& repo, const std::optional<Tree>& a,
                        const std::optional<Tree>& b, const std::string& what) {
  for (const auto& prefixes : kPrefixSets) {
    EXPECT_EQ(render(tree_delta(repo, a, b, prefixes)), render(libgit2_trees(repo, a, b, prefixes)))
        << what << ", prefixes " << ::testing::PrintToString(prefixes);
  }
}

TEST(GitTreeDelta, RandomEditsMatchLibgit2) {
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
    expect_matches_libgit2(repo, std::nullopt, first, "from the empty tree");
    expect_matches_libgit2(repo, first, std::nullopt, "to the empty tree");
    for (int round = 0; round < 20 && !HasFailure(); ++round) {
      const std::optional<Tree> before = repo.head_tree();
      const int edits = 1 + static_cast<int>(editor.next() % 4);
      for (int i = 0; i < edits; ++i) editor.edit();
      git(root, "add -A");
      git(root, "commit -q --allow-empty -m " + std::to_string(round));
      const std::optional<Tree> after = repo.head_tree();
      seen.add(tree_delta(repo, before, after, {}));
      const std::string what = "seed " + std::to_string(seed) + " round " + std::to_string(round);
      expect_matches_libgit2(repo, before, after, what);
      expect_matches_libgit2(repo, after, before, what + " reversed");
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
  EXPECT_EQ(render(deltas), render(libgit2_trees(repo, first, second, {})));
  EXPECT_TRUE(tree_delta(repo, second, second, {}).empty());
}

}  // namespace
}  // namespace kg
