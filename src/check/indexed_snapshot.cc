// The indexed reader (check/snapshot.h): comparisons read through the
// claim index (check/claims.h) kept at one tree plus the delta to the other
// snapshot. What changed decides which IDs can be introduced, and only the
// items claiming those IDs are read. Every snapshot the repository can see
// is read the same way in check/indexed_sources.cc.
#include <algorithm>

#include "check/claims.h"
#include "check/snapshot.h"
#include "git/error.h"
#include "git/index_file.h"
#include "git/tree_view.h"
#include "util/strings.h"

namespace kg {

namespace {

// Products' prefixes as the whole snapshot's counts resolve them (the few
// items a fast comparison holds cannot tell).
void finish(Backlog& b, const PrefixCounts& counts) {
  std::sort(b.items.begin(), b.items.end(), [](const Item& x, const Item& y) { return x.path < y.path; });
  resolve_prefixes(b.config, counts);
  // Prefix mismatches are reported by full scans.
  std::erase_if(b.config.findings, [](const Finding& f) { return f.kind == "prefix-mismatch"; });
}

void count(PrefixCounts& counts, const Item& item, int delta) {
  const auto& id = item.claimed_id();
  if (id && id->type != TypeCode::Adr) counts[item.product_root][id->prefix] += delta;
}

// `deltas` turn the backlog of `snapshot_tree` into the other side. When
// `snapshot_is_new`, the snapshot is the new side (two commits); else the
// baseline (a tree and the index). nullopt when a delta alone cannot tell
// (layout or config changes, conflicts, symlinks, possible renames).
std::optional<Comparison> compare_through(const Repo& repo, const ScanOptions& scan, const Tree& snapshot_tree,
                                          const Config& config, const std::vector<Delta>& deltas,
                                          bool snapshot_is_new) {
  BlobFacts facts(repo, scan.cache);
  ScanFilter filter;
  std::vector<Item> changed_new, changed_old;
  std::set<std::string> new_paths;
  bool added = false, deleted = false;
  for (const Delta& d : deltas) {
    if (d.stage > 0 || changes_layout(config, d.path)) return std::nullopt;
    auto where = place(config, d.path);
    if (!where) continue;
    if (d.new_mode == GIT_FILEMODE_LINK || d.old_mode == GIT_FILEMODE_LINK) return std::nullopt;
    bool had = is_regular_file_mode(d.old_mode), has = is_regular_file_mode(d.new_mode);
    if (had) {
      filter.paths.insert(d.path);
      if (snapshot_is_new) changed_old.push_back(item_at(facts, *where, d.path, d.old_oid));
    }
    if (has) {
      new_paths.insert(d.path);
      changed_new.push_back(item_at(facts, *where, d.path, d.new_oid));
    }
    added |= has && !had;
    deleted |= had && !has;
  }
  if (added && deleted) return std::nullopt;  // perhaps a rename: the full diff finds those
  for (const Item& item : changed_new) {
    if (std::string key = item.claim_key(); !key.empty()) filter.keys.insert(key);
    if (!item.uid.empty()) filter.uids.insert(to_lower(trim(item.uid)));
  }
  Comparison c;
  c.coverage = Coverage::Claimants;
  c.baseline = Backlog{};
  c.baseline->config = config;
  c.now.config = config;
  c.renames = [] { return std::map<std::string, std::string>(); };
  c.in_use.emplace();  // nothing changed: nothing to suggest
  PrefixCounts same_counts, other_counts;
  if (!filter.paths.empty() || !changed_new.empty()) {
    auto snap = snapshot_at(repo, scan, facts, snapshot_tree, config);
    if (!snap) return std::nullopt;
    same_counts = other_counts = snap->index->prefix_counts();
    int64_t same_size = snap->index->item_count(), other_size = same_size;
    // The other side differs from the snapshot only by items this comparison
    // holds, so the snapshot's highest numbers and those items' are all in use.
    add_raw_highest(*c.in_use, snap->index->highest(), prefix_by_root(config, same_counts));
    std::set<std::string> paths = filter.paths;
    paths.insert(new_paths.begin(), new_paths.end());
    std::vector<Item> related = items_of(snap->index->related(filter.keys, filter.uids, paths), facts);
    Backlog& same_side = snapshot_is_new ? c.now : *c.baseline;
    Backlog& other_side = snapshot_is_new ? *c.baseline : c.now;
    const std::set<std::string>& replaced = snapshot_is_new ? new_paths : filter.paths;
    for (const Item& item : related) {
      same_side.items.push_back(item);
      if (!replaced.count(item.path)) other_side.items.push_back(item);
      else count(other_counts, item, -1), --other_size;
    }
    std::vector<Item>& changed = snapshot_is_new ? changed_old : changed_new;
    for (Item& item : changed) {
      count(other_counts, item, 1), ++other_size;
      other_side.items.push_back(std::move(item));
    }
    c.now_size = static_cast<size_t>(std::max<int64_t>(0, snapshot_is_new ? same_size : other_size));
  }
  finish(c.now, snapshot_is_new ? same_counts : other_counts);
  finish(*c.baseline, snapshot_is_new ? other_counts : same_counts);
  return c;
}

// The index against `head`'s tree, the claim index moved to `head`.
std::optional<Comparison> compare_staged(const Repo& repo, const ScanOptions& scan, const std::optional<Tree>& head) {
  if (!head) return std::nullopt;
  std::optional<IndexFile> index = IndexFile::open(repo);
  if (!index || index->has_conflicts()) return std::nullopt;
  Config config = load_products(TreeView(repo, *head), scan).config;
  if (config.products.empty() || !same_layout(config, *head, *index, scan)) return std::nullopt;
  std::vector<Delta> deltas = index_delta(repo, head, *index, backlog_prefixes(config, scan));
  index.reset();  // 27 MB at 100,000 files, not needed while a first claim index is built
  return compare_through(repo, scan, *head, config, deltas, false);
}

// `commit` alone (no baseline), the claim index moved to it: its snapshot
// holds only the items a whole-tree check reports (every claimant of a
// shared ID or uid, every file with a finding) and the symlink findings,
// with `in_use` and `now_size` for the rest.
std::optional<Comparison> scan_commit(const Repo& repo, const ScanOptions& scan, const Commit& commit) {
  Tree tree = commit.tree();
  Config config = load_products(TreeView(repo, tree), scan).config;
  if (config.products.empty()) return std::nullopt;
  BlobFacts facts(repo, scan.cache);
  auto snap = snapshot_at(repo, scan, facts, tree, config);
  if (!snap) return std::nullopt;
  Comparison c;
  c.coverage = Coverage::Claimants;
  const PrefixCounts counts = snap->index->prefix_counts();
  c.in_use.emplace();
  add_raw_highest(*c.in_use, snap->index->highest(), prefix_by_root(config, counts));
  c.now_size = static_cast<size_t>(std::max<int64_t>(0, snap->index->item_count()));
  std::vector<ClaimRow> rows = snap->index->check_rows();
  for (const ClaimRow& r : rows)
    if (r.kind == ClaimRow::kSymlink) c.now.findings.push_back(symlink_finding(r.path));
  c.now.items = items_of(rows, facts);
  c.now.config = std::move(config);
  resolve_prefixes(c.now.config, counts);  // as a full scan does: the counts are the whole tree's
  return c;
}

// Two commits. The claim index is moved to `head`, or, with `keep_at_base`,
// kept at `base`: for a push in quarantine, where `head` may be refused and
// its objects dropped while `base` stays, so the next push starts warm.
std::optional<Comparison> compare_commits(const Repo& repo, const ScanOptions& scan, const Commit& base,
                                          const Commit& head, bool keep_at_base) {
  Tree old_tree = base.tree(), new_tree = head.tree();
  Config was = load_products(TreeView(repo, old_tree), scan).config;
  Config is = load_products(TreeView(repo, new_tree), scan).config;
  const Config& anchor = keep_at_base ? was : is;
  if (anchor.products.empty() || !same_layout(was, old_tree, is, new_tree, scan)) return std::nullopt;
  std::vector<Delta> deltas = tree_delta(repo, old_tree, new_tree, backlog_prefixes(anchor, scan));
  if (keep_at_base) return compare_through(repo, scan, old_tree, was, deltas, false);
  return compare_through(repo, scan, new_tree, is, deltas, true);
}

class IndexedReader : public SnapshotReader {
 public:
  IndexedReader(const Repo& repo, const ScanOptions& scan) : repo_(repo), scan_(scan) {}

  std::optional<Comparison> compare(const SnapshotSpec& now, const std::optional<SnapshotSpec>& base) const override {
    if (!scan_.cache) return std::nullopt;
    if (base && (base->kind != SnapshotKind::Tree || !base->commit)) return std::nullopt;
    if (now.kind == SnapshotKind::Index && base) return compare_staged(repo_, scan_, base->commit->tree());
    if (now.kind != SnapshotKind::Tree || !now.commit) return std::nullopt;
    if (!base) return now.transient ? std::nullopt : scan_commit(repo_, scan_, *now.commit);
    return compare_commits(repo_, scan_, *base->commit, *now.commit, now.transient);
  }

  // A blob no engine can read (a partial clone offline) is left to the
  // scan, which counts the ID of such a file's name; the claim index never
  // records it.
  std::optional<SeenEverywhere> seen_everywhere() const override {
    try {
      return seen_everywhere_indexed(repo_, scan_);
    } catch (const UnreadableObject&) {
      return std::nullopt;
    }
  }

 private:
  const Repo& repo_;
  const ScanOptions& scan_;
};

}  // namespace

std::unique_ptr<SnapshotReader> indexed_reader(const Repo& repo, const ScanOptions& scan) {
  return std::make_unique<IndexedReader>(repo, scan);
}

}  // namespace kg
