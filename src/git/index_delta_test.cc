#include "git/index_delta.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "git/random_edits.h"
#include "git/testing.h"
#include "git/view.h"

namespace kg {
namespace {

using namespace gittest;

// libgit2's deltas (renames off, type changes as one delta), conflicted
// paths left out, in Delta form.
std::vector<Delta> from_libgit2(git_diff* raw) {
  DiffPtr diff(raw);
  std::vector<Delta> out;
  for (size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    if (d->status == GIT_DELTA_UNMODIFIED || d->status == GIT_DELTA_CONFLICTED) continue;
    Delta x;
    x.path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
    if (d->status != GIT_DELTA_ADDED) {
      x.old_oid = d->old_file.id;
      x.old_mode = d->old_file.mode;
    }
    if (d->status != GIT_DELTA_DELETED) {
      x.new_oid = d->new_file.id;
      x.new_mode = d->new_file.mode;
    }
    out.push_back(std::move(x));
  }
  std::sort(out.begin(), out.end(), [](const Delta& a, const Delta& b) { return a.path < b.path; });
  return out;
}

struct Pathspec {
  std::vector<std::string> specs;
  std::vector<char*> pointers;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  // As src/git/diff.cc: slashes trimmed, "" for the whole tree.
  explicit Pathspec(const std::vector<std::string>& prefixes) {
    for (const std::string& p : prefixes) {
      std::string spec(trim_slashes(p));
      if (spec.empty()) {
        specs.clear();
        break;
      }
      specs.push_back(std::move(spec));
    }
    for (std::string& s : specs) pointers.push_back(s.data());
    options.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH | GIT_DIFF_INCLUDE_TYPECHANGE;
    options.pathspec.strings = pointers.data();
    options.pathspec.count = pointers.size();
  }
};

// The expected answer: libgit2 on a repository opened plainly (without the
// pack backend a Repo installs), so that no home-made reader is involved.
std::vector<Delta> libgit2_index(const Repo& repo, const std::optional<Tree>& tree, git_index* index,
                                 const std::vector<std::string>& prefixes) {
  git_repository* raw_repo = nullptr;
  EXPECT_EQ(git_repository_open(&raw_repo, repo.git_dir().c_str()), 0);
  RepositoryPtr plain(raw_repo);
  TreePtr plain_tree;
  if (tree) {
    git_tree* t = nullptr;
    EXPECT_EQ(git_tree_lookup(&t, plain.get(), &tree->id()), 0);
    plain_tree.reset(t);
  }
  Pathspec spec(prefixes);
  git_diff* raw = nullptr;
  EXPECT_EQ(git_diff_tree_to_index(&raw, plain.get(), plain_tree.get(), index, &spec.options), 0);
  return from_libgit2(raw);
}

IndexPtr libgit2_index_at(const fs::path& file) {
  git_index* raw = nullptr;
  EXPECT_EQ(git_index_open(&raw, file.c_str()), 0);
  return IndexPtr(raw);
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A copy of the index without its cache-tree: the TREE signature renamed to
// an optional extension IndexFile skips (the checksum is not verified).
fs::path without_cache_tree(const fs::path& index, const fs::path& out) {
  std::string data = slurp(index);
  for (size_t pos = 12; pos + 8 + 20 <= data.size(); ++pos) {
    if (data.compare(pos, 4, "TREE") != 0) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(data.data() + pos + 4);
    const size_t len = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
    if (pos + 8 + len + 20 == data.size()) {
      data[pos] = 'X';
      break;
    }
  }
  write_file(out, data);
  return out;
}

const std::vector<std::vector<std::string>> kPrefixSets = {
    {}, {"a"}, {"a.b"}, {"a/a", "a0"}, {"b/a.b/", "a-b/a"}, {"a", "a/a"}, {"nope"}, {""}};

void expect_index_matches(const Repo& repo, const std::optional<Tree>& head, const fs::path& index_path,
                          const fs::path& scratch, const std::string& what) {
  IndexPtr lib = libgit2_index_at(index_path);
  std::optional<IndexFile> ours = IndexFile::read(index_path.native());
  ASSERT_TRUE(ours) << what;
  std::optional<IndexFile> bare = IndexFile::read(without_cache_tree(index_path, scratch).native());
  ASSERT_TRUE(bare) << what;
  EXPECT_FALSE(bare->has_cache_tree());
  for (const auto& prefixes : kPrefixSets) {
    const std::string expected = render(libgit2_index(repo, head, lib.get(), prefixes));
    EXPECT_EQ(render(index_delta(repo, head, *ours, prefixes)), expected)
        << what << ", prefixes " << ::testing::PrintToString(prefixes);
    EXPECT_EQ(render(index_delta(repo, head, *bare, prefixes)), expected)
        << what << " without a cache-tree, prefixes " << ::testing::PrintToString(prefixes);
  }
}

void random_edits(uint32_t seed, Seen& seen) {
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  Editor editor(root, seed);
  for (int i = 0; i < 12; ++i) editor.edit();
  commit_all(root, "first");
  Repo repo = Repo::open(root.native());
  for (int round = 0; round < 20; ++round) {
    const std::optional<Tree> before = repo.head_tree();
    const int edits = 1 + static_cast<int>(editor.next() % 4);
    for (int i = 0; i < edits; ++i) editor.edit();
    git(root, "add -A");
    if (round % 5 == 3) git(root, "update-index --index-version 4");
    if (round % 5 == 4) git(root, "update-index --index-version 2");
    const std::string what = "seed " + std::to_string(seed) + " round " + std::to_string(round);
    expect_index_matches(repo, before, root / ".git/index", tmp / "no-tree-index", what);
    if (std::optional<IndexFile> staged = IndexFile::read((root / ".git/index").native())) {
      seen.add(index_delta(repo, before, *staged, {}));
    }
    if (::testing::Test::HasFailure()) return;
    git(root, "commit -q --allow-empty -m " + std::to_string(round));
    const std::optional<Tree> after = repo.head_tree();
    // Right after the commit the cache-tree is complete: nothing differs.
    std::optional<IndexFile> index = IndexFile::read((root / ".git/index").native());
    ASSERT_TRUE(index);
    EXPECT_TRUE(index_delta(repo, after, *index, {}).empty()) << what;
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(GitIndexDelta, RandomEditsMatchLibgit2) {
  CleanGitEnv clean;
  Seen seen;
  for (const uint32_t seed : {42u, 7u}) {
    random_edits(seed, seen);
    if (HasFailure()) return;
  }
  EXPECT_GT(seen.deltas, 40);
  EXPECT_GT(seen.type_changes, 0);
  EXPECT_GT(seen.exec_changes, 0);
  EXPECT_GT(seen.file_folder, 0);
}

TEST(GitIndexDelta, EmptyIndexAndUnbornHead) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  Repo repo = Repo::open(root.native());
  std::optional<IndexFile> empty = IndexFile::read((root / ".git/index").native());
  ASSERT_TRUE(empty);
  EXPECT_TRUE(index_delta(repo, std::nullopt, *empty, {}).empty());
  write_file(root / "x/y.md", "y\n");
  write_file(root / "x.md", "x\n");
  git(root, "add -A");
  std::optional<IndexFile> index = IndexFile::read((root / ".git/index").native());
  ASSERT_TRUE(index);
  const std::vector<Delta> added = index_delta(repo, std::nullopt, *index, {});
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[0].path, "x.md");
  EXPECT_EQ(added[0].old_mode, 0u);
  EXPECT_TRUE(git_oid_is_zero(&added[0].old_oid));
  EXPECT_EQ(added[0].new_mode, 0100644u);
  EXPECT_EQ(to_hex(added[0].new_oid), trimmed(git(root, "rev-parse :x.md")));
  EXPECT_EQ(added[1].path, "x/y.md");
  commit_all(root, "first");
  EXPECT_EQ(index_delta(repo, repo.head_tree(), *empty, {"x"}).size(), 1u);  // deleted
}

TEST(GitIndexDelta, IntentToAddAndGitlinksAreNotFiles) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  write_file(root / "a/x.md", "x\n");
  write_file(root / "a/gone.md", "gone\n");
  commit_all(root, "first");
  write_file(root / "a/new.md", "new\n");
  git(root, "add -N a/new.md");
  git(root, "rm -q --cached a/gone.md");
  git(root, "add -N a/gone.md");  // in HEAD, intent-to-add in the index: deleted
  const std::string head = trimmed(git(root, "rev-parse HEAD"));
  git(root, "update-index --add --cacheinfo 160000," + head + ",a/sub");
  Repo repo = Repo::open(root.native());
  std::optional<IndexFile> index = IndexFile::read((root / ".git/index").native());
  ASSERT_TRUE(index);
  const std::vector<Delta> deltas = index_delta(repo, repo.head_tree(), *index, {});
  ASSERT_EQ(deltas.size(), 1u) << render(deltas);
  EXPECT_EQ(deltas[0].path, "a/gone.md");
  EXPECT_EQ(deltas[0].new_mode, 0u);
}

TEST(GitIndexDelta, ConflictsAreReportedPerStage) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  write_file(root / "a/c.md", "base\n");
  write_file(root / "a/d.md", "base\n");
  write_file(root / "b.md", "base\n");
  commit_all(root, "base");
  git(root, "checkout -q -b side");
  write_file(root / "a/c.md", "side\n");
  write_file(root / "a/d.md", "side\n");
  commit_all(root, "side");
  git(root, "checkout -q main");
  write_file(root / "a/c.md", "main\n");
  write_file(root / "b.md", "main\n");
  commit_all(root, "main");
  EXPECT_THROW(git(root, "merge -q side >/dev/null 2>&1"), std::runtime_error);
  Repo repo = Repo::open(root.native());
  std::optional<IndexFile> index = IndexFile::read((root / ".git/index").native());
  ASSERT_TRUE(index);
  const std::optional<Tree> head = repo.head_tree();
  const std::vector<Delta> deltas = index_delta(repo, head, *index, {});
  ASSERT_EQ(deltas.size(), 4u) << render(deltas);
  for (int stage = 1; stage <= 3; ++stage) {
    const Delta& d = deltas[static_cast<size_t>(stage - 1)];
    EXPECT_EQ(d.path, "a/c.md");
    EXPECT_EQ(d.stage, stage);
    EXPECT_EQ(to_hex(d.old_oid), trimmed(git(root, "rev-parse HEAD:a/c.md")));
    EXPECT_EQ(to_hex(d.new_oid), trimmed(git(root, "rev-parse :" + std::to_string(stage) + ":a/c.md")));
  }
  EXPECT_EQ(deltas[3].path, "a/d.md");  // merged cleanly, staged
  EXPECT_EQ(deltas[3].stage, 0);
  // The non-conflicted part is libgit2's.
  IndexPtr lib = libgit2_index_at(root / ".git/index");
  std::vector<Delta> ours = deltas;
  std::erase_if(ours, [](const Delta& d) { return d.stage > 0; });
  EXPECT_EQ(render(ours), render(libgit2_index(repo, head, lib.get(), {})));
  EXPECT_EQ(index_delta(repo, head, *index, {"a/c.md"}).size(), 3u);
  EXPECT_TRUE(index_delta(repo, head, *index, {"b.md"}).empty());
}

// Folders whose cache-tree id equals the tree's are never read: with one's
// tree object gone from the object database, the deltas still come out.
TEST(GitIndexDelta, EqualSubtreesAreNeverLoaded) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  for (int i = 0; i < 5; ++i) write_file(root / ("big/" + std::to_string(i) + "/f.md"), std::to_string(i));
  write_file(root / "small/x.md", "x\n");
  commit_all(root, "first");
  write_file(root / "small/x.md", "changed\n");
  write_file(root / "big/2/g.md", "staged\n");
  git(root, "add small/x.md big/2/g.md");
  Repo repo = Repo::open(root.native());
  const std::optional<Tree> head = repo.head_tree();
  std::optional<IndexFile> index = IndexFile::read((root / ".git/index").native());
  ASSERT_TRUE(index);
  EXPECT_TRUE(index->cached_tree("big/1"));
  EXPECT_FALSE(index->cached_tree("big/2"));
  const std::string big1 = trimmed(git(root, "rev-parse HEAD:big/1"));
  fs::remove(root / ".git/objects" / big1.substr(0, 2) / big1.substr(2));
  const std::vector<Delta> deltas = index_delta(repo, head, *index, {});
  ASSERT_EQ(deltas.size(), 2u) << render(deltas);
  EXPECT_EQ(deltas[0].path, "big/2/g.md");
  EXPECT_EQ(deltas[1].path, "small/x.md");
  EXPECT_EQ(index_delta(repo, head, *index, {"big/2"}).size(), 1u);
}

}  // namespace
}  // namespace kg
