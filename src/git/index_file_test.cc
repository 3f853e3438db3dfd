#include "git/index_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "git/testing.h"

namespace kg {
namespace {

using namespace gittest;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string oid_hex(const std::optional<git_oid>& oid) { return oid ? to_hex(*oid) : "none"; }

// Every entry field equals what libgit2 reads from the same file.
void expect_same_as_libgit2(const IndexFile& index) {
  git_index* raw = nullptr;
  ASSERT_EQ(git_index_open(&raw, index.file_path().c_str()), 0) << git_error_last()->message;
  IndexPtr lib(raw);
  ASSERT_EQ(index.size(), git_index_entrycount(lib.get()));
  bool conflicts = false;
  for (size_t i = 0; i < index.size(); ++i) {
    const IndexEntry& ours = index.entries()[i];
    const git_index_entry* theirs = git_index_get_byindex(lib.get(), i);
    SCOPED_TRACE(theirs->path);
    EXPECT_EQ(ours.path, std::string_view(theirs->path));
    EXPECT_EQ(to_hex(ours.oid), to_hex(theirs->id));
    EXPECT_EQ(ours.mode, theirs->mode);
    EXPECT_EQ(ours.stage(), git_index_entry_stage(theirs));
    EXPECT_EQ(ours.intent_to_add(), (theirs->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0);
    EXPECT_EQ(ours.skip_worktree(), (theirs->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0);
    EXPECT_EQ(ours.assume_valid(), (theirs->flags & GIT_INDEX_ENTRY_VALID) != 0);
    EXPECT_EQ(ours.ctime_sec, static_cast<uint32_t>(theirs->ctime.seconds));
    EXPECT_EQ(ours.ctime_nsec, theirs->ctime.nanoseconds);
    EXPECT_EQ(ours.mtime_sec, static_cast<uint32_t>(theirs->mtime.seconds));
    EXPECT_EQ(ours.mtime_nsec, theirs->mtime.nanoseconds);
    EXPECT_EQ(ours.dev, theirs->dev);
    EXPECT_EQ(ours.ino, theirs->ino);
    EXPECT_EQ(ours.uid, theirs->uid);
    EXPECT_EQ(ours.gid, theirs->gid);
    EXPECT_EQ(ours.size, theirs->file_size);
    if (ours.stage() > 0) conflicts = true;
  }
  EXPECT_EQ(index.has_conflicts(), conflicts);
  EXPECT_EQ(index.has_conflicts(), git_index_has_conflicts(lib.get()) == 1);
}

std::string tree_of(const fs::path& repo, const std::string& rev) {
  return trimmed(git(repo, "rev-parse " + quote(rev)));
}

std::vector<std::string> paths(std::span<const IndexEntry> entries) {
  std::vector<std::string> out;
  for (const IndexEntry& e : entries) out.emplace_back(e.path);
  return out;
}

// A repository whose names exercise git's orderings ("a" < "a.b" < "a/b").
void populate(const fs::path& root) {
  init_repo(root);
  for (const char* p : {"a-b.md", "a.b", "a/b", "a/c/d.md", "a/c/e.md", "a0/x.md", "b/y.md",
                        "deep/1/2/3/4/f.md", "z.md"}) {
    write_file(root / p, std::string(p) + "\n");
  }
  write_file(root / std::string("caf\xe9.md"), "latin-1 name\n");  // not UTF-8
  write_file(root / "run.sh", "#!/bin/sh\n");
  fs::permissions(root / "run.sh", fs::perms::owner_exec, fs::perm_options::add);
  fs::create_symlink("a/b", root / "link");
  commit_all(root, "first");
}

TEST(GitIndexFile, MissingFileIsAnEmptyIndex) {
  TempDir tmp;
  std::optional<IndexFile> index = IndexFile::read((tmp / "nope").native());
  ASSERT_TRUE(index);
  EXPECT_EQ(index->size(), 0u);
  EXPECT_EQ(index->version(), 0);
  EXPECT_FALSE(index->mtime());
  EXPECT_FALSE(index->has_cache_tree());
  EXPECT_FALSE(index->cached_tree(""));
}

TEST(GitIndexFile, Version2AfterACommitHasAFullCacheTree) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  populate(root);
  std::optional<IndexFile> index = IndexFile::read((root / ".git/index").native());
  ASSERT_TRUE(index);
  EXPECT_EQ(index->version(), 2);
  ASSERT_TRUE(index->mtime());
  EXPECT_GT(index->mtime()->sec, 0);
  expect_same_as_libgit2(*index);
  EXPECT_EQ(index->size(), 12u);
  EXPECT_FALSE(index->has_conflicts());

  EXPECT_EQ(paths(index->below("a")), (std::vector<std::string>{"a/b", "a/c/d.md", "a/c/e.md"}));
  EXPECT_EQ(paths(index->below("a/c/")), (std::vector<std::string>{"a/c/d.md", "a/c/e.md"}));
  EXPECT_EQ(paths(index->below("a0")), std::vector<std::string>{"a0/x.md"});
  EXPECT_TRUE(index->below("a/b").empty());
  EXPECT_TRUE(index->below("nope").empty());
  EXPECT_EQ(index->below("").size(), 12u);

  const IndexEntry* b = index->find("a/b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(to_hex(b->oid), trimmed(git(root, "rev-parse HEAD:a/b")));
  EXPECT_EQ(b->mode, 0100644u);
  EXPECT_EQ(b->size, 4u);
  EXPECT_EQ(index->find("run.sh")->mode, 0100755u);
  EXPECT_EQ(index->find("link")->mode, 0120000u);
  EXPECT_NE(index->find(std::string("caf\xe9.md")), nullptr);
  EXPECT_EQ(index->find("a"), nullptr);
  EXPECT_EQ(index->find("a/c"), nullptr);

  ASSERT_TRUE(index->has_cache_tree());
  EXPECT_EQ(oid_hex(index->cached_tree("")), tree_of(root, "HEAD^{tree}"));
  for (const char* dir : {"a", "a/c", "a0", "b", "deep", "deep/1/2/3", "deep/1/2/3/4"}) {
    EXPECT_EQ(oid_hex(index->cached_tree(dir)), tree_of(root, std::string("HEAD:") + dir)) << dir;
  }
  EXPECT_EQ(oid_hex(index->cached_tree("a/")), tree_of(root, "HEAD:a"));
  EXPECT_FALSE(index->cached_tree("nope"));
  EXPECT_FALSE(index->cached_tree("a/b"));
}

// An index file of more than 4 MB is read page by page, its paths copied
// out and the file unmapped: the entries must still equal libgit2's, and
// outlive the mapping.
TEST(GitIndexFile, ALargeIndexFileIsReadPageByPage) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  const std::string empty = trimmed(git(root, "hash-object -w --stdin </dev/null"));
  {
    std::ofstream list((tmp / "list").native());
    for (int i = 0; i < 45000; ++i)
      list << "100644 " << empty << "\t_kano/backlog/products/demo/items/task/" << (i / 1000) << "/DEMO-TSK-" << i
           << "_a-title-long-enough-to-make-the-index-file-large.md\n";
  }
  git(root, "update-index --index-info <" + quote((tmp / "list").native()));
  ASSERT_GT(fs::file_size(root / ".git/index"), size_t{4} << 20);
  std::optional<IndexFile> index = IndexFile::read((root / ".git/index").native());
  ASSERT_TRUE(index);
  std::optional<IndexFile> moved = std::move(index);
  EXPECT_EQ(moved->size(), 45000u);
  expect_same_as_libgit2(*moved);
  EXPECT_NE(moved->find("_kano/backlog/products/demo/items/task/44/DEMO-TSK-44999_a-title-long-enough-to-make-the-"
                        "index-file-large.md"),
            nullptr);
  EXPECT_EQ(moved->below("_kano/backlog/products/demo/items/task/7").size(), 1000u);
}

TEST(GitIndexFile, AddInvalidatesOnlyTheAncestorsInTheCacheTree) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  populate(root);
  write_file(root / "a/c/d.md", "changed\n");
  git(root, "add a/c/d.md");
  std::optional<IndexFile> index = IndexFile::read((root / ".git/index").native());
  ASSERT_TRUE(index);
  expect_same_as_libgit2(*index);
  EXPECT_FALSE(index->cached_tree(""));
  EXPECT_FALSE(index->cached_tree("a"));
  EXPECT_FALSE(index->cached_tree("a/c"));
  EXPECT_EQ(oid_hex(index->cached_tree("b")), tree_of(root, "HEAD:b"));
  EXPECT_EQ(oid_hex(index->cached_tree("deep/1")), tree_of(root, "HEAD:deep/1"));
  EXPECT_EQ(to_hex(index->find("a/c/d.md")->oid), trimmed(git(root, "hash-object a/c/d.md")));

  git(root, "read-tree HEAD");  // fills the cache-tree again (HEAD's content)
  index = IndexFile::read((root / ".git/index").native());
  ASSERT_TRUE(index);
  EXPECT_EQ(oid_hex(index->cached_tree("")), tree_of(root, "HEAD^{tree}"));
  EXPECT_EQ(oid_hex(index->cached_tree("a/c")), tree_of(root, "HEAD:a/c"));
}

TEST(GitIndexFile, Version3WithExtendedFlags) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  populate(root);
  git(root, "update-index --skip-worktree a/c/e.md");
  write_file(root / "a/new.md", "new\n");
  git(root, "add -N a/new.md");
  std::optional<IndexFile> index = IndexFile::read((root / ".git/index").native());
  ASSERT_TRUE(index);
  EXPECT_EQ(index->version(), 3);
  expect_same_as_libgit2(*index);
  EXPECT_TRUE(index->find("a/c/e.md")->skip_worktree());
  EXPECT_FALSE(index->find("a/c/e.md")->intent_to_add());
  EXPECT_TRUE(index->find("a/new.md")->intent_to_add());
  EXPECT_FALSE(index->find("a/c/d.md")->skip_worktree());
  EXPECT_EQ(index->size(), 13u);
}

TEST(GitIndexFile, Version4PrefixCompressedPaths) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  populate(root);
  for (int i = 0; i < 300; ++i) {
    write_file(root / ("items/" + std::to_string(i % 7) + "/item-" + std::to_string(i) + ".md"),
               std::to_string(i));
  }
  git(root, "add items");  // `add -A` would invalidate the whole cache-tree
  git(root, "update-index --index-version 4 --skip-worktree a/b");
  const std::string file = (root / ".git/index").native();
  std::optional<IndexFile> index = IndexFile::read(file);
  ASSERT_TRUE(index);
  EXPECT_EQ(index->version(), 4);
  expect_same_as_libgit2(*index);
  EXPECT_EQ(index->size(), 312u);
  EXPECT_TRUE(index->find("a/b")->skip_worktree());
  EXPECT_EQ(index->below("items/3").size(), 43u);
  EXPECT_EQ(oid_hex(index->cached_tree("b")), tree_of(root, "HEAD:b"));
  EXPECT_FALSE(index->cached_tree(""));

  // Moving the IndexFile keeps the paths valid.
  IndexFile moved = std::move(*index);
  EXPECT_EQ(moved.entries().back().path, "z.md");
  EXPECT_EQ(moved.find("items/6/item-97.md")->size, 2u);

  // A path longer than 0xFFF bytes (index only: too long for the file
  // system). libgit2 1.5 rejects it in a v4 index, so compare in v3.
  std::string long_path = "long";
  for (int i = 0; i < 25; ++i) long_path += "/" + std::string(200, static_cast<char>('a' + i));
  const std::string blob = trimmed(git(root, "hash-object -w a/b"));
  git(root, "update-index --add --cacheinfo 100644," + blob + "," + long_path);
  for (const int version : {4, 3}) {  // skip-worktree needs v3+
    git(root, "update-index --index-version " + std::to_string(version));
    index = IndexFile::read(file);
    ASSERT_TRUE(index);
    EXPECT_EQ(index->version(), version);
    EXPECT_EQ(index->size(), 313u);
    ASSERT_NE(index->find(long_path), nullptr);
    EXPECT_EQ(index->find(long_path)->flags & 0xFFF, 0xFFF);
    EXPECT_EQ(index->entries().back().path, "z.md");
  }
  expect_same_as_libgit2(*index);
}

TEST(GitIndexFile, ConflictedMergeHasStages) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  populate(root);
  git(root, "checkout -q -b side");
  write_file(root / "a/c/d.md", "side\n");
  commit_all(root, "side");
  git(root, "checkout -q main");
  write_file(root / "a/c/d.md", "main\n");
  commit_all(root, "main");
  EXPECT_THROW(git(root, "merge -q side 2>/dev/null"), std::runtime_error);
  std::optional<IndexFile> index = IndexFile::read((root / ".git/index").native());
  ASSERT_TRUE(index);
  expect_same_as_libgit2(*index);
  EXPECT_TRUE(index->has_conflicts());
  EXPECT_EQ(index->find("a/c/d.md"), nullptr);
  std::span<const IndexEntry> below = index->below("a/c");
  ASSERT_EQ(below.size(), 4u);
  EXPECT_EQ(below[0].stage(), 1);
  EXPECT_EQ(below[1].stage(), 2);
  EXPECT_EQ(below[2].stage(), 3);
  EXPECT_EQ(below[3].path, "a/c/e.md");
  EXPECT_FALSE(index->cached_tree("a/c"));
}

TEST(GitIndexFile, SplitIndexIsNotHandled) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  populate(root);
  git(root, "update-index --split-index");
  EXPECT_FALSE(IndexFile::read((root / ".git/index").native()));
}

TEST(GitIndexFile, ExtensionsOptionalAndMandatory) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  populate(root);
  const std::string data = slurp(root / ".git/index");
  auto with_extension = [&](const std::string& signature) {
    const std::string ext = signature + std::string("\0\0\0\3xyz", 7);
    const fs::path out = tmp / ("index-" + signature);
    write_file(out, data.substr(0, data.size() - 20) + ext + data.substr(data.size() - 20));
    return IndexFile::read(out.native());
  };
  std::optional<IndexFile> optional = with_extension("ABCD");
  ASSERT_TRUE(optional);  // skipped (the checksum is not verified)
  EXPECT_EQ(optional->size(), 12u);
  EXPECT_TRUE(optional->cached_tree(""));
  EXPECT_FALSE(with_extension("abcd"));
  EXPECT_FALSE(with_extension("sdir"));
  EXPECT_FALSE(with_extension("link"));
}

TEST(GitIndexFile, TruncatedOrGarbledFilesAreRejectedSafely) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  populate(root);
  git(root, "update-index --skip-worktree a/b");  // v3
  for (const char* version : {"3", "4"}) {
    git(root, std::string("update-index --index-version ") + version);
    const std::string data = slurp(root / ".git/index");
    ASSERT_TRUE(IndexFile::read((root / ".git/index").native()));
    const fs::path cut = tmp / "cut";
    int accepted = 0;
    for (size_t len = 0; len < data.size(); ++len) {
      write_file(cut, data.substr(0, len));
      std::optional<IndexFile> index = IndexFile::read(cut.native());
      if (!index) continue;
      // Without the checksum (git does not verify it either), a file cut
      // 20 bytes after the entries reads as one without extensions.
      ++accepted;
      EXPECT_EQ(index->size(), 12u) << "v" << version << " cut at " << len;
      EXPECT_FALSE(index->has_cache_tree()) << "v" << version << " cut at " << len;
    }
    EXPECT_LE(accepted, 1);
    // Flipped bytes anywhere: any outcome but a crash or an out-of-bounds read.
    uint32_t seed = 12345;
    for (int round = 0; round < 2000; ++round) {
      std::string garbled = data;
      for (int k = 0; k < 3; ++k) {
        seed = seed * 1103515245 + 12345;
        garbled[(seed >> 8) % (garbled.size() - 20)] ^= static_cast<char>(1 + (seed >> 3) % 255);
      }
      write_file(cut, garbled);
      std::optional<IndexFile> index = IndexFile::read(cut.native());
      if (index) {
        for (const IndexEntry& e : index->entries()) EXPECT_FALSE(e.path.empty());
      }
    }
  }
}

TEST(GitIndexFile, OpenFindsTheIndexGitUses) {
  CleanGitEnv clean;
  TempDir tmp;
  const fs::path root = tmp / "repo";
  populate(root);
  {
    Repo repo = Repo::open(root.native());
    std::optional<IndexFile> index = IndexFile::open(repo);
    ASSERT_TRUE(index);
    EXPECT_EQ(index->file_path(), (root / ".git/index").native());
    EXPECT_EQ(index->size(), 12u);
  }
  // A linked worktree has its own index.
  git(root, "worktree add -q " + quote((tmp / "wt").native()) + " -b wt");
  write_file(tmp / "wt/only-here.md", "x\n");
  git(tmp / "wt", "add only-here.md");
  {
    Repo repo = Repo::open((tmp / "wt").native());
    std::optional<IndexFile> index = IndexFile::open(repo);
    ASSERT_TRUE(index);
    EXPECT_NE(index->find("only-here.md"), nullptr);
    EXPECT_EQ(index->size(), 13u);
  }
  // GIT_INDEX_FILE, relative to the current directory as git sets it for hooks.
  git(root, "read-tree --index-output=" + quote((root / ".git/other-index").native()) + " HEAD:a");
  {
    ScopedEnv index_file("GIT_INDEX_FILE", ".git/other-index");
    std::optional<Repo> repo;
    {
      ScopedCwd cwd(root);
      repo.emplace(Repo::open_from_env());
    }
    // Resolved when the repository was opened, not after a chdir.
    std::optional<IndexFile> index = IndexFile::open(*repo);
    ASSERT_TRUE(index);
    EXPECT_EQ(index->file_path(), (root / ".git/other-index").native());
    EXPECT_EQ(paths(index->below("")), (std::vector<std::string>{"b", "c/d.md", "c/e.md"}));
    EXPECT_EQ(git_index_entrycount(repo->index().get()), 3u);  // as libgit2 sees it
    // Repo::open ignores the environment, and so does IndexFile::open then.
    Repo plain = Repo::open(root.native());
    EXPECT_EQ(IndexFile::open(plain)->size(), 12u);
    EXPECT_EQ(git_index_entrycount(plain.index().get()), 12u);
  }
}

}  // namespace
}  // namespace kg
