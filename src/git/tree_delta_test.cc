#include "git/tree_delta.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "git/testing.h"
#include "git/view.h"

namespace kg {
namespace {

using namespace gittest;

std::string render(const std::vector<Delta>& deltas) {
  std::ostringstream out;
  for (const Delta& d : deltas) {
    out << d.path << " [" << d.stage << "] " << to_hex(d.old_oid).substr(0, 8) << " " << std::oct
        << d.old_mode << " -> " << to_hex(d.new_oid).substr(0, 8) << " " << d.new_mode << std::dec << "\n";
  }
  return out.str();
}

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

std::vector<Delta> libgit2_trees(const Repo& repo, const std::optional<Tree>& a, const std::optional<Tree>& b,
                                 const std::vector<std::string>& prefixes) {
  Pathspec spec(prefixes);
  git_diff* raw = nullptr;
  EXPECT_EQ(git_diff_tree_to_tree(&raw, repo.raw(), a ? a->raw() : nullptr, b ? b->raw() : nullptr,
                                  &spec.options),
            0);
  return from_libgit2(raw);
}

std::vector<Delta> libgit2_index(const Repo& repo, const std::optional<Tree>& tree, git_index* index,
                                 const std::vector<std::string>& prefixes) {
  Pathspec spec(prefixes);
  git_diff* raw = nullptr;
  EXPECT_EQ(git_diff_tree_to_index(&raw, repo.raw(), tree ? tree->raw() : nullptr, index, &spec.options), 0);
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

// Random edits over names that exercise git's orderings.
class Editor {
 public:
  Editor(fs::path root, uint32_t seed) : root_(std::move(root)), seed_(seed) {}

  uint32_t next() {
    seed_ = seed_ * 1103515245u + 12345u;
    return seed_ >> 8;
  }

  std::string random_path() {
    static const char* names[] = {"a", "a.b", "a-b", "a0", "b"};
    std::string p;
    const int depth = 1 + static_cast<int>(next() % 3);
    for (int i = 0; i < depth; ++i) p += (i ? "/" : "") + std::string(names[next() % 5]);
    return p;
  }

  // Makes room for a file at `rel`: files on the way become folders.
  void clear_for_file(const std::string& rel) {
    fs::path p = root_;
    std::string_view rest = rel;
    while (true) {
      const size_t slash = rest.find('/');
      p /= std::string(rest.substr(0, slash));
      if (slash == std::string_view::npos) break;
      if (fs::exists(fs::symlink_status(p)) && !fs::is_directory(fs::symlink_status(p))) fs::remove(p);
      rest.remove_prefix(slash + 1);
    }
    if (fs::is_directory(fs::symlink_status(p))) fs::remove_all(p);
  }

  void edit() {
    const std::string rel = random_path();
    const fs::path p = root_ / rel;
    std::error_code ec;  // an ancestor may be a file
    switch (next() % 6) {
      case 0:
      case 1:
        clear_for_file(rel);
        if (fs::is_symlink(p)) fs::remove(p, ec);
        write_file(p, "content " + std::to_string(next() % 4) + "\n");
        break;
      case 2:
        fs::remove_all(p, ec);
        break;
      case 3:
        clear_for_file(rel);
        fs::remove(p, ec);
        fs::create_directories(p.parent_path());
        fs::create_symlink("target" + std::to_string(next() % 3), p);
        break;
      case 4: {  // the executable bit of some file
        std::vector<fs::path> files;
        for (auto it = fs::recursive_directory_iterator(root_); it != fs::recursive_directory_iterator(); ++it) {
          if (it->path().filename() == ".git") {
            it.disable_recursion_pending();
          } else if (it->is_regular_file() && !it->is_symlink()) {
            files.push_back(it->path());
          }
        }
        if (files.empty()) break;
        const fs::path& f = files[next() % files.size()];
        const bool exec = (fs::status(f).permissions() & fs::perms::owner_exec) != fs::perms::none;
        fs::permissions(f, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                        exec ? fs::perm_options::remove : fs::perm_options::add);
        break;
      }
      default:  // a folder where there may be a file
        fs::remove_all(p, ec);
        clear_for_file(rel + "/a");
        write_file(p / "a", "inner\n");
        break;
    }
  }

 private:
  fs::path root_;
  uint32_t seed_;
};

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

// What the random edits produced, so the test knows it covered the cases.
struct Seen {
  int deltas = 0, type_changes = 0, exec_changes = 0, file_folder = 0;
  void add(const std::vector<Delta>& deltas_) {
    deltas += static_cast<int>(deltas_.size());
    for (const Delta& d : deltas_) {
      if (d.old_mode != 0 && d.new_mode != 0 && d.old_mode != d.new_mode) {
        ++((d.old_mode == 0120000 || d.new_mode == 0120000) ? type_changes : exec_changes);
      }
      for (const Delta& e : deltas_) {
        if (e.path.size() > d.path.size() && e.path.starts_with(d.path + "/")) ++file_folder;
      }
    }
  }
};

void random_edits(uint32_t seed, Seen& seen) {
  TempDir tmp;
  const fs::path root = tmp / "repo";
  init_repo(root);
  Editor editor(root, seed);
  for (int i = 0; i < 12; ++i) editor.edit();
  commit_all(root, "first");
  Repo repo = Repo::open(root.native());
  {
    const std::optional<Tree> first = repo.head_tree();
    for (const auto& prefixes : kPrefixSets) {
      EXPECT_EQ(render(tree_delta(repo, std::nullopt, first, prefixes)),
                render(libgit2_trees(repo, std::nullopt, first, prefixes)));
      EXPECT_EQ(render(tree_delta(repo, first, std::nullopt, prefixes)),
                render(libgit2_trees(repo, first, std::nullopt, prefixes)));
    }
  }
  for (int round = 0; round < 20; ++round) {
    const std::optional<Tree> before = repo.head_tree();
    const int edits = 1 + static_cast<int>(editor.next() % 4);
    for (int i = 0; i < edits; ++i) editor.edit();
    git(root, "add -A");
    if (round % 5 == 3) git(root, "update-index --index-version 4");
    if (round % 5 == 4) git(root, "update-index --index-version 2");
    const std::string what = "seed " + std::to_string(seed) + " round " + std::to_string(round);
    expect_index_matches(repo, before, root / ".git/index", tmp / "no-tree-index", what);
    if (::testing::Test::HasFailure()) return;
    git(root, "commit -q --allow-empty -m " + std::to_string(round));
    const std::optional<Tree> after = repo.head_tree();
    seen.add(tree_delta(repo, before, after, {}));
    for (const auto& prefixes : kPrefixSets) {
      EXPECT_EQ(render(tree_delta(repo, before, after, prefixes)),
                render(libgit2_trees(repo, before, after, prefixes)))
          << what << ", prefixes " << ::testing::PrintToString(prefixes);
      EXPECT_EQ(render(tree_delta(repo, after, before, prefixes)),
                render(libgit2_trees(repo, after, before, prefixes)))
          << what << " reversed, prefixes " << ::testing::PrintToString(prefixes);
    }
    // Right after the commit the cache-tree is complete: nothing differs.
    std::optional<IndexFile> index = IndexFile::read((root / ".git/index").native());
    ASSERT_TRUE(index);
    EXPECT_TRUE(index_delta(repo, after, *index, {}).empty()) << what;
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(GitTreeDelta, RandomEditsMatchLibgit2) {
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

TEST(GitTreeDelta, EmptyIndexAndUnbornHead) {
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

TEST(GitTreeDelta, IntentToAddAndGitlinksAreNotFiles) {
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

TEST(GitTreeDelta, ConflictsAreReportedPerStage) {
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

// Folders equal on both sides are never read: with one's tree object gone
// from the object database, the deltas still come out.
TEST(GitTreeDelta, EqualSubtreesAreNeverLoaded) {
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
  {
    const std::vector<Delta> deltas = index_delta(repo, head, *index, {});
    ASSERT_EQ(deltas.size(), 2u) << render(deltas);
    EXPECT_EQ(deltas[0].path, "big/2/g.md");
    EXPECT_EQ(deltas[1].path, "small/x.md");
    EXPECT_EQ(index_delta(repo, head, *index, {"big/2"}).size(), 1u);
  }
  git(root, "commit -q -m second");
  const std::optional<Tree> second = repo.head_tree();
  const std::vector<Delta> deltas = tree_delta(repo, head, second, {});
  ASSERT_EQ(deltas.size(), 2u) << render(deltas);
  EXPECT_EQ(deltas[0].path, "big/2/g.md");
  EXPECT_TRUE(tree_delta(repo, head, second, {"big/1/f.md"}).empty());
  EXPECT_EQ(tree_delta(repo, second, head, {"small/x.md"}).size(), 1u);
}

}  // namespace
}  // namespace kg
