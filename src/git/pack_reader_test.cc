#include "git/pack_reader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "git/blob.h"
#include "git/packs.h"
#include "git/repo.h"
#include "git/testing.h"

namespace kg {
namespace {

using namespace gittest;

// A history of similar files, so that packing makes long delta chains:
// 40 files over 30 commits, each version a window of lines slid by one
// (so that its best base is the next version), then a binary file, an
// empty one, and one of 200 KB (more than a read window).
void make_history(const fs::path& r) {
  init_repo(r);
  for (int c = 0; c < 30; ++c) {
    for (int f = 0; f < 40; ++f) {
      std::ostringstream text;
      text << "---\nid: DEMO-TSK-" << f << "\ntitle: item " << f << "\n---\n";
      for (int line = c; line <= c + 60; ++line)
        text << "line " << line << " of item " << f << ": " << (line * 7919 + f * 31) % 100003 << "\n";
      write_file(r / "items" / ("f" + std::to_string(f % 4)) / ("item" + std::to_string(f) + ".md"), text.str());
    }
    commit_all(r, "commit " + std::to_string(c));
  }
  std::string binary;
  for (int i = 0; i < 5000; ++i) binary += static_cast<char>((i * 7919) % 256);
  write_file(r / "binary.bin", binary);
  write_file(r / "empty", "");
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "big line " + std::to_string(i) + "\n";
  write_file(r / "big.txt", big);
  commit_all(r, "odd files");
}

std::vector<git_oid> all_objects(const fs::path& r) {
  std::vector<git_oid> out;
  std::istringstream list(git(r, "cat-file --batch-all-objects --batch-check='%(objectname)'"));
  for (std::string line; std::getline(list, line);) {
    git_oid oid{};
    if (git_oid_fromstr(&oid, line.c_str()) == 0) out.push_back(oid);
  }
  return out;
}

// Every object of `r` as the git binary reads it (`git cat-file --batch`):
// the reference is another engine, never the pack reader itself, which
// every `Repo` lends to libgit2 as its odb backend.
std::map<std::string, RawObject> through_git(const fs::path& r) {
  const std::string out = (r / ".git" / "cat-file.out").string();
  sh("cd " + quote(r.native()) + " && git cat-file --batch-all-objects --batch-check='%(objectname)' | git cat-file --batch >" +
     quote(out));
  std::ifstream in(out, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::map<std::string, RawObject> objects;
  for (size_t at = 0; at < all.size();) {
    const size_t eol = all.find('\n', at);
    std::istringstream header(all.substr(at, eol - at));
    std::string hex, type;
    size_t size = 0;
    header >> hex >> type >> size;
    objects[hex] = {git_object_string2type(type.c_str()), all.substr(eol + 1, size)};
    at = eol + 1 + size + 1;
  }
  fs::remove(out);
  return objects;
}

// Every object of `r` reads the same through a PackReader (whose cache is
// `cache_bytes`) as through the git binary, and is found in a pack;
// returns how many objects were compared.
size_t expect_same_as_git(const fs::path& r, size_t cache_bytes) {
  Repo repo = Repo::open(r.string());
  const PackSet& packs = repo.objects().packs();
  PackReader reader(cache_bytes);
  std::vector<git_oid> oids = all_objects(r);
  const std::map<std::string, RawObject> by_git = through_git(r);
  EXPECT_EQ(by_git.size(), oids.size());
  for (size_t k : pack_read_order(packs, oids)) {
    const git_oid& oid = oids[k];
    std::optional<RawObject> got = reader.read(packs, oid);
    if (!got) {
      ADD_FAILURE() << "not read: " << to_hex(oid);
      continue;
    }
    auto found = by_git.find(to_hex(oid));
    if (found == by_git.end()) {
      ADD_FAILURE() << "git cat-file did not list " << to_hex(oid);
      continue;
    }
    const RawObject& want = found->second;
    EXPECT_EQ(got->type, want.type) << to_hex(oid);
    EXPECT_TRUE(got->data == want.data) << to_hex(oid);
  }
  return oids.size();
}

TEST(PackReader, ReadsEveryObjectOfADeltifiedPackAsGitDoes) {
  CleanGitEnv env;
  TempDir dir;
  make_history(dir.path());
  git(dir.path(), "gc -q --aggressive");
  ASSERT_NE(sh("cd " + quote(dir.path().native()) + " && git verify-pack -v .git/objects/pack/*.idx").find("chain length = 10"), std::string::npos)
      << "the pack should hold long delta chains";
  EXPECT_GT(expect_same_as_git(dir.path(), PackReader::kDefaultCacheBytes), 1000u);
  // With a cache too small to hold anything, every chain is walked again.
  expect_same_as_git(dir.path(), 0);
}

// A Repo's ObjectStore (its pack set and readers) read from two threads at
// once, as the claim index's first build does, gives what git gives; and
// libgit2's reads through the Repo's odb backend (the same store) too.
TEST(PackReader, ARepositorysObjectStoreReadsFromTwoThreadsAsGitDoes) {
  CleanGitEnv env;
  TempDir dir;
  make_history(dir.path());
  git(dir.path(), "gc -q");
  Repo repo = Repo::open(dir.path().string());
  const std::vector<git_oid> oids = all_objects(dir.path());
  const std::map<std::string, RawObject> by_git = through_git(dir.path());
  ASSERT_GT(oids.size(), 1000u);
  std::atomic<size_t> same{0};
  auto read_half = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      std::optional<RawObject> got = repo.objects().read(oids[i]);
      auto want = by_git.find(to_hex(oids[i]));
      if (got && want != by_git.end() && got->type == want->second.type && got->data == want->second.data) ++same;
    }
  };
  std::thread second(read_half, oids.size() / 2, oids.size());
  read_half(0, oids.size() / 2);
  second.join();
  EXPECT_EQ(same.load(), oids.size());
  release_read_caches(repo);
  size_t through_libgit2 = 0;
  for (const git_oid& oid : oids) {
    git_odb_object* raw = nullptr;
    OdbPtr odb = repo.odb();
    ASSERT_EQ(git_odb_read(&raw, odb.get(), &oid), 0);
    const std::string data(static_cast<const char*>(git_odb_object_data(raw)), git_odb_object_size(raw));
    git_odb_object_free(raw);
    through_libgit2 += by_git.at(to_hex(oid)).data == data;
  }
  EXPECT_EQ(through_libgit2, oids.size());
}

TEST(PackReader, ReadsDeltasAgainstBaseIdsAndLargeOffsets) {
  CleanGitEnv env;
  TempDir dir;
  make_history(dir.path());
  // REF_DELTA entries (a base named by its id) instead of offsets...
  git(dir.path(), "-c repack.useDeltaBaseOffset=false repack -q -a -d -f");
  // ...and an index that stores every offset past 64 in its 64-bit table.
  sh("cd " + quote(dir.path().native()) + "/.git/objects/pack && chmod u+w * && git index-pack --index-version=2,64 *.pack");
  expect_same_as_git(dir.path(), PackReader::kDefaultCacheBytes);
}

TEST(PackReader, ReadsABlobPrefixWithoutTheRest) {
  CleanGitEnv env;
  TempDir dir;
  make_history(dir.path());
  git(dir.path(), "gc -q");
  Repo repo = Repo::open(dir.path().string());
  PackReader reader;
  for (std::string path : {"big.txt", "items/f1/item5.md", "empty"}) {
    git_oid oid{};
    ASSERT_EQ(git_oid_fromstr(&oid, trimmed(git(dir.path(), "rev-parse HEAD:" + path)).c_str()), 0);
    const std::string whole = git(dir.path(), "cat-file blob HEAD:" + path);
    for (size_t max : {size_t{0}, size_t{1}, size_t{100}, size_t{70000}, whole.size(), whole.size() + 1}) {
      auto got = reader.read(repo.objects().packs(), oid, max);
      ASSERT_TRUE(got) << path << " " << max;
      EXPECT_EQ(got->type, GIT_OBJECT_BLOB);
      EXPECT_TRUE(got->data == whole.substr(0, max)) << path << " cut at " << max;
    }
  }
}

TEST(PackReader, LeavesLooseObjectsAndBrokenPacksToLibgit2) {
  CleanGitEnv env;
  TempDir dir;
  make_history(dir.path());
  git(dir.path(), "gc -q");
  write_file(dir.path() / "loose.md", "not packed yet\n");
  commit_all(dir.path(), "loose");
  Repo repo = Repo::open(dir.path().string());
  git_oid loose{};
  ASSERT_EQ(git_oid_fromstr(&loose, trimmed(git(dir.path(), "rev-parse HEAD:loose.md")).c_str()), 0);
  PackReader reader;
  EXPECT_FALSE(reader.read(repo.objects().packs(), loose)) << "a loose object is not in a pack";
  EXPECT_EQ(read_blob(repo, loose), "not packed yet\n") << "read through libgit2";

  // A pack cut in half: what is past the cut cannot be read; what is before
  // it still can.
  std::string pack;
  for (const auto& e : fs::directory_iterator(dir.path() / ".git/objects/pack"))
    if (e.path().extension() == ".pack") pack = e.path().string();
  ASSERT_FALSE(pack.empty());
  fs::permissions(pack, fs::perms::owner_write, fs::perm_options::add);
  fs::resize_file(pack, fs::file_size(pack) / 2);
  Repo again = Repo::open(dir.path().string());
  const PackSet& packs = again.objects().packs();
  PackReader fresh;
  size_t read = 0, refused = 0;
  for (const git_oid& oid : all_objects(dir.path())) {
    if (!packs.find(oid)) continue;
    if (fresh.read(packs, oid)) ++read;
    else ++refused;
  }
  EXPECT_GT(read, 0u);
  EXPECT_GT(refused, 0u);
}

TEST(PackReader, FindsOnlyTheRepositorysOwnPacks) {
  CleanGitEnv env;
  TempDir a, b;
  make_history(a.path());
  git(a.path(), "gc -q");
  init_repo(b.path());
  write_file(b.path() / "x", "x\n");
  commit_all(b.path(), "x");
  Repo in_a = Repo::open(a.path().string());
  Repo in_b = Repo::open(b.path().string());
  git_oid oid{};
  ASSERT_EQ(git_oid_fromstr(&oid, trimmed(git(a.path(), "rev-parse HEAD:empty")).c_str()), 0);
  EXPECT_TRUE(in_a.objects().packs().find(oid));
  EXPECT_FALSE(in_b.objects().packs().find(oid)) << "b never had that blob";
  // A pack made after the first listing is found by the next handle.
  git(b.path(), "gc -q");
  ASSERT_EQ(git_oid_fromstr(&oid, trimmed(git(b.path(), "rev-parse HEAD:x")).c_str()), 0);
  Repo b_again = Repo::open(b.path().string());
  EXPECT_TRUE(b_again.objects().packs().find(oid));
}

}  // namespace
}  // namespace kg
