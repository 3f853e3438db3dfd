// Every snapshot of the backlog that the repository can see: the working
// tree, the index, HEAD, every local and remote-tracking branch and the files
// of sibling worktrees. `reserve` and `sync` never go below any of them.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "check/backlog.h"
#include "git/repo.h"
#include "store/sequences.h"

namespace kg {

// Highest number in use per sequence: (prefix, "TSK") for items, (product
// prefix, "ADR") for decisions. Counts filename and frontmatter IDs.
using Highest = std::map<SequenceKey, int64_t>;

void add_highest(const Backlog& backlog, Highest& out);
// The sequences an item's IDs (frontmatter and file name) are numbered in;
// decisions, numbered per product, are left out.
std::vector<SequenceKey> sequence_keys(const Item& item);

// Calls `visit(name, backlog)` for each snapshot, one at a time.
void for_each_source(const Repo& repo, const ScanOptions& options,
                     const std::function<void(const std::string& name, const Backlog&)>& visit);

// The sources of the other worktrees of the clone: each one's HEAD (also
// when detached), index and working tree.
void for_each_sibling_source(const Repo& repo, const ScanOptions& options,
                             const std::function<void(const std::string& name, const Backlog&)>& visit);

// What every source holds, as seen_everywhere (check/snapshot.h) reports
// it: add_highest over every source, and what `sync` needs of the working
// tree (HEAD's tree in a bare repository) besides.
struct SeenEverywhere {
  Highest highest;
  Config config;  // the working tree's, prefixes resolved
  // Product root -> the sequences its items' IDs belong to (not decisions).
  std::map<std::string, std::set<SequenceKey>> item_keys;
};
// seen_everywhere(...).highest: the floor of `reserve` and `sync`.
Highest highest_everywhere(const Repo& repo, const ScanOptions& options);

}  // namespace kg

namespace kg {

// The sequences that belong in `product`'s database, each with its highest
// number in use from `highest`: the product's prefix for every type and
// decisions, plus any foreign prefix its items carry (contract section 1:
// foreign prefixes are facts to respect).
Highest product_sequences(const Product& product, const Backlog& backlog, const Highest& highest);
// The same with the sequences of the product's items already gathered.
Highest product_sequences(const Product& product, const std::set<SequenceKey>& item_keys, const Highest& highest);

}  // namespace kg
