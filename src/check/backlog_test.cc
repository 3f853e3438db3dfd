#include "check/backlog.h"
#include "check/check.h"

#include <gtest/gtest.h>

#include "git/testing.h"
#include "git/tree_view.h"
#include "store/facts_cache.h"

namespace kg {
namespace {

using namespace gittest;

constexpr const char* kRoot = "_kano/backlog/products/demo";

std::string item_text(const std::string& id) {
  return "---\nid: " + id + "\nuid: 019a0000-0000-7000-8000-000000000001\ntitle: t\n---\nbody\n";
}

fs::path item_path(const fs::path& repo, const std::string& name) {
  return repo / kRoot / "items" / "task" / "0000" / name;
}

Backlog scan_head(const fs::path& repo, FactsCache* cache = nullptr) {
  Repo r = Repo::open(repo.string());
  ScanOptions options;
  options.cache = cache;
  return scan_backlog(TreeView(r, *r.head_tree()), options);
}

// A repository whose items a and b have the same bytes (one blob), and c.
void two_paths_one_blob(const fs::path& r) {
  init_repo(r);
  write_file(item_path(r, "DEMO-TSK-0001_a.md"), item_text("DEMO-TSK-0001"));
  write_file(item_path(r, "DEMO-TSK-0001_b.md"), item_text("DEMO-TSK-0001"));
  write_file(item_path(r, "DEMO-TSK-0002_c.md"), item_text("DEMO-TSK-0002"));
  commit_all(r, "items");
}

// Two paths, one blob: git stores it once, the scan reads it once, and
// both files are items with what it says.
TEST(ScanBacklog, FilesSharingABlobAreBothItems) {
  TempDir dir;
  const fs::path& r = dir.path();
  two_paths_one_blob(r);
  git(r, "gc -q");  // packed, as a clone is
  for (bool cached : {false, true}) {
    std::unique_ptr<FactsCache> cache = cached ? FactsCache::open((r / ".git").string()) : nullptr;
    Backlog b = scan_head(r, cache.get());
    ASSERT_EQ(b.items.size(), 3u) << cached;
    for (size_t i = 0; i < 3; ++i) {
      ASSERT_TRUE(b.items[i].id) << b.items[i].path;
      EXPECT_EQ(b.items[i].id->display(), i < 2 ? "DEMO-TSK-0001" : "DEMO-TSK-0002");
    }
    EXPECT_TRUE(b.findings.empty());
  }
}

// A blob the object database has lost (and git cannot read either) is a
// finding on every path that needs it, and an item known by its file name
// alone, whose file-name ID still counts; the other items are still read.
TEST(ScanBacklog, AMissingBlobIsUnreadableWhereverItIsUsed) {
  TempDir dir;
  const fs::path& r = dir.path();
  two_paths_one_blob(r);
  std::string blob = trimmed(git(r, "rev-parse HEAD:" + std::string(kRoot) + "/items/task/0000/DEMO-TSK-0001_a.md"));
  fs::remove(r / ".git" / "objects" / blob.substr(0, 2) / blob.substr(2));
  Backlog b = scan_head(r);
  ASSERT_EQ(b.items.size(), 3u);
  std::vector<std::string> unreadable;
  for (const Item& item : b.items) {
    if (!item.unreadable) {
      EXPECT_EQ(item.id->display(), "DEMO-TSK-0002");
      continue;
    }
    unreadable.push_back(item.path);
    EXPECT_FALSE(item.id);
    ASSERT_TRUE(item.filename_id);
    EXPECT_EQ(item.claimed_id()->display(), "DEMO-TSK-0001");
  }
  EXPECT_EQ(unreadable.size(), 2u);
  std::vector<Finding> findings = b.all_findings();
  ASSERT_EQ(findings.size(), 2u);
  for (const Finding& f : findings) {
    EXPECT_EQ(f.kind, "unreadable");
    EXPECT_NE(f.message.find("git cannot read it either"), std::string::npos) << f.message;
  }
  EXPECT_NE(findings[0].path, findings[1].path);
  // Two files claim DEMO-TSK-0001 and neither can be read: a check cannot
  // tell whether they are one item, so it stops (exit 3), never passes.
  EXPECT_THROW(refuse_unreadable_claimants(b), UnreadableClaimant);
}

}  // namespace
}  // namespace kg
