// Reading a backlog through the claim index (store/claims_index.h): the
// snapshot of one tree, rolled from tree to tree by the files that differ,
// and the few items a check needs fetched from it by ID, uid or path.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "check/backlog.h"
#include "check/sources.h"
#include "git/index_file.h"
#include "git/object.h"
#include "git/repo.h"
#include "git/tree_delta.h"
#include "store/claims_index.h"

namespace kg {

// Where `path` sits in the backlog `config` describes: its product root and
// whether it is a decision. nullopt when a scan would not read it as an
// item or decision file.
struct Placement {
  std::string root;
  bool adr = false;
};
std::optional<Placement> place(const Config& config, std::string_view path);

// The blob id at `path` in `tree`; nullopt when there is none.
std::optional<git_oid> blob_at(const Tree& tree, const std::string& path);

// The folders a delta between two snapshots of the backlog must cover.
std::vector<std::string> backlog_prefixes(const Config& config, const ScanOptions& scan);
// True when a change at `path` can change the products or the config
// themselves (a config file, a product folder that `config` does not have):
// then a delta alone cannot tell what the new snapshot holds.
bool changes_layout(const Config& config, std::string_view path);
// What makes the rows of two snapshots comparable: the config file's place
// and the products with their configured prefixes.
std::string config_fingerprint(const Config& config);
// Whether two trees, whose configs load_products found as `a` and `b`, have
// the same layout: the same fingerprint and the same config file bytes (an
// explicit --config is the same for both). A delta between them then tells
// everything that changed.
bool same_layout(const Config& a, const Tree& tree_a, const Config& b, const Tree& tree_b, const ScanOptions& scan);
// The same for the index against `head` (whose config is `config`): it
// stages `head`'s config file and still has every product.
bool same_layout(const Config& config, const Tree& head, const IndexFile& index, const ScanOptions& scan);

// What files say, by blob id: the facts cache first, the object database
// when it has no answer (which is then remembered).
class BlobFacts {
 public:
  BlobFacts(const Repo& repo, FactsCache* cache);
  FileFacts get(const git_oid& oid);
  // Read and parsed, without the cache: safe to call from several threads.
  FileFacts read(const git_oid& oid) const;

 private:
  const Repo& repo_;
  FactsCache* cache_;
  OdbPtr odb_;
};

// The item a file of the backlog is, from its blob.
Item item_at(BlobFacts& facts, const Placement& where, const std::string& path, const git_oid& oid);
ClaimRow claim_row(const Item& item, const git_oid& oid);
// The row of a symlink where an item file would be: no claim, reported.
ClaimRow symlink_row(const std::string& path, const std::string& root, const git_oid& oid);
// The items of `rows`, sorted by path.
std::vector<Item> items_of(const std::vector<ClaimRow>& rows, BlobFacts& facts);

// The claim index of the clone, brought to `tree` (whose backlog config is
// `config`, from load_products of that tree): by the files that changed
// since the tree it held when the config is the same, else rebuilt. nullopt
// when the cache is off or unusable; callers then scan.
struct ClaimSnapshot {
  std::unique_ptr<ClaimIndex> index;
  Tree tree;
  Config config;
};
std::optional<ClaimSnapshot> snapshot_at(const Repo& repo, const ScanOptions& scan, BlobFacts& facts, const Tree& tree,
                                    const Config& config);

// Product root -> prefix, as these prefix counts resolve `config`'s products.
std::map<std::string, std::string> prefix_by_root(const Config& config, const PrefixCounts& counts);
// Raises `out` by raw highest numbers (ClaimIndex::highest): a decision's
// ("@" + root, "ADR") counts under its product's prefix in `prefixes`.
void add_raw_highest(Highest& out, const std::map<std::pair<std::string, std::string>, int64_t>& raw,
                     const std::map<std::string, std::string>& prefixes);

// seen_everywhere (check/snapshot.h) through the claim index, reading only
// what differs from HEAD (check/indexed_sources.cc); nullopt when the cache
// is off or HEAD unborn.
std::optional<SeenEverywhere> seen_everywhere_indexed(const Repo& repo, const ScanOptions& scan);

}  // namespace kg
