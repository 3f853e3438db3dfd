// check/snapshot.h: each Engine is answered by the reader it names, and the
// readers agree (real git, real caches).
#include <gtest/gtest.h>

#include "check/check.h"
#include "check/renumber_testing.h"
#include "check/snapshot.h"
#include "store/facts_cache.h"

namespace kg {
namespace {

using namespace renumber_test;

struct Staged : Fixture {
  Staged() {
    write("items/task/0000/DEMO-TSK-0001_a.md", item_text("DEMO-TSK-0001", uid_n(1)));
    write("items/task/0000/DEMO-TSK-0007_b.md", item_text("DEMO-TSK-0007", uid_n(2)));
    commit_all(root(), "two items");
    // A new file claiming an ID in use: a duplicate the index introduces.
    write("items/task/0000/DEMO-TSK-0001_c.md", item_text("DEMO-TSK-0001", uid_n(3)));
    git(root(), "add -A");
  }
};

int introduced(Comparison& c) {
  CheckOptions options;
  options.renames = remembered(c.renames);
  return run_check(c.now, c.baseline ? &*c.baseline : nullptr, options).errors();
}

TEST(Snapshot, EachEngineIsAnsweredByItsReader) {
  Staged f;
  Repo repo = f.repo();
  std::unique_ptr<FactsCache> cache = FactsCache::open(repo.common_dir());
  ASSERT_TRUE(cache);
  ScanOptions cached;
  cached.cache = cache.get();
  const ScanOptions none;
  const SnapshotSpec index = SnapshotSpec::index(), head = SnapshotSpec::head(repo);

  Comparison scan = compare(repo, cached, index, head, Engine::Scan);
  EXPECT_EQ(scan.coverage, Coverage::Whole);
  EXPECT_EQ(scan.now.items.size(), 3u);
  Comparison indexed = compare(repo, cached, index, head, Engine::Indexed);
  EXPECT_EQ(indexed.coverage, Coverage::Claimants);
  EXPECT_TRUE(indexed.in_use);
  Comparison quick = compare(repo, cached, index, head, Engine::Quick);
  EXPECT_EQ(quick.coverage, Coverage::Claimants);
  // Without the cache the claim index declines: the partial scan, or the full one.
  Comparison nearby = compare(repo, none, index, head, Engine::Quick);
  EXPECT_EQ(nearby.coverage, Coverage::Nearby);
  EXPECT_EQ(compare(repo, none, index, head, Engine::Indexed).coverage, Coverage::Whole);
  // The claim index reads no working tree.
  EXPECT_EQ(compare(repo, cached, SnapshotSpec::worktree(), head, Engine::Indexed).coverage, Coverage::Whole);
  for (Comparison* c : {&scan, &indexed, &quick, &nearby}) EXPECT_EQ(introduced(*c), 1);
}

TEST(Snapshot, ATransientSnapshotKeepsTheClaimIndexAtTheBaseline) {
  Staged f;
  commit_all(f.root(), "the duplicate");
  Repo repo = f.repo();
  std::unique_ptr<FactsCache> cache = FactsCache::open(repo.common_dir());
  ScanOptions cached;
  cached.cache = cache.get();
  Commit head = repo.resolve_commit("HEAD"), parent = repo.resolve_commit("HEAD^");
  SnapshotSpec pushed = SnapshotSpec::tree(head);
  pushed.transient = true;
  Comparison c = compare(repo, cached, pushed, SnapshotSpec::tree(parent), Engine::Indexed);
  EXPECT_EQ(c.coverage, Coverage::Claimants);
  EXPECT_EQ(introduced(c), 1);
  // Alone, a transient tree is never indexed.
  EXPECT_EQ(compare(repo, cached, pushed, std::nullopt, Engine::Indexed).coverage, Coverage::Whole);
  EXPECT_EQ(compare(repo, cached, SnapshotSpec::tree(head), std::nullopt, Engine::Indexed).coverage,
            Coverage::Claimants);
}

TEST(Snapshot, BothReadersSeeTheSameEverywhere) {
  Staged f;
  write_file(f.root() / f.rel("items/task/0000/DEMO-TSK-0042_d.md"), item_text("DEMO-TSK-0042", uid_n(4)));
  Repo repo = f.repo();
  std::unique_ptr<FactsCache> cache = FactsCache::open(repo.common_dir());
  ScanOptions cached;
  cached.cache = cache.get();
  // Each reader asked directly: seen_everywhere(..., Engine::Indexed) falls
  // back to the scan when the claim index declines, and would then compare
  // the scan with itself.
  std::optional<SeenEverywhere> indexed = indexed_reader(repo, cached)->seen_everywhere();
  ASSERT_TRUE(indexed) << "the claim index declined: nothing to compare the scan with";
  std::optional<SeenEverywhere> scan = scan_reader(repo, cached)->seen_everywhere();
  ASSERT_TRUE(scan);
  EXPECT_EQ(scan->highest, indexed->highest);
  EXPECT_EQ(scan->item_keys, indexed->item_keys);
  EXPECT_EQ((scan->highest[{"DEMO", "TSK"}]), 42);
  // The chooser, allowed the claim index, gives its answer.
  EXPECT_EQ(seen_everywhere(repo, cached, Engine::Indexed).highest, indexed->highest);
}

}  // namespace
}  // namespace kg
