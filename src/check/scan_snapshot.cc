// The scan reader (check/snapshot.h): whole snapshots scanned through the
// views of git/ and the parse cache. It answers every question; with
// `only_changes`, it reads only what changed between the index and a tree.
#include "check/snapshot.h"

#include <stdexcept>

#include "git/diff.h"
#include "git/index_view.h"
#include "git/merge.h"
#include "git/tree_view.h"
#include "util/strings.h"

namespace kg {

namespace {

std::optional<Tree> tree_of(const SnapshotSpec& spec) {
  if (spec.kind != SnapshotKind::Tree || !spec.commit) return std::nullopt;
  return spec.commit->tree();
}

DiffOptions backlog_paths(const Comparison& c) {
  DiffOptions o;
  for (const Product& p : c.now.config.products) o.paths.push_back(p.root);
  if (c.baseline)
    for (const Product& p : c.baseline->config.products) o.paths.push_back(p.root);
  return o;
}

std::map<std::string, std::string> renamed(const std::vector<Change>& changes) {
  std::map<std::string, std::string> out;
  for (const Change& ch : changes)
    if (ch.status == Change::Status::Renamed) out[ch.new_path] = ch.old_path;
  return out;
}

Renames worktree_renames(const Repo& repo, const std::optional<Tree>& head, DiffOptions paths) {
  if (paths.paths.empty()) return {};
  paths.include_untracked = true;
  return renamed(diff_tree_to_workdir(repo, head, paths));
}

// The whole backlog of `spec`.
Backlog scan_whole(const Repo& repo, const ScanOptions& scan, const SnapshotSpec& spec) {
  switch (spec.kind) {
    case SnapshotKind::Tree:
      if (!spec.commit) return Backlog{};  // the empty tree: nothing in it
      return scan_backlog(TreeView(repo, spec.commit->tree()), scan);
    case SnapshotKind::Index:
      return scan_backlog(IndexView(repo), scan);
    case SnapshotKind::Worktree:
      return scan_worktree(repo, scan);
    case SnapshotKind::Merge:
      return scan_backlog(merge_in_memory(repo, *spec.into, *spec.commit), scan);
  }
  return Backlog{};
}

// Renames from `base` (none: the empty tree) to `now`, below `paths`.
std::function<Renames()> renames_to(const Repo& repo, const std::optional<Tree>& base, const SnapshotSpec& now,
                                    const DiffOptions& paths) {
  switch (now.kind) {
    case SnapshotKind::Tree:
      return [&repo, base, tree = tree_of(now), paths]() { return renamed(diff_trees(repo, base, tree, paths)); };
    case SnapshotKind::Index:
      return [&repo, base, paths]() {
        IndexView idx(repo);
        return renamed(diff_tree_to_index(repo, base, idx, paths));
      };
    case SnapshotKind::Worktree:
      return [&repo, base, paths]() { return worktree_renames(repo, base, paths); };
    case SnapshotKind::Merge:
      return [&repo, base, ours = *now.commit, into = *now.into, paths]() {
        IndexView m = merge_in_memory(repo, into, ours);
        return renamed(diff_tree_to_index(repo, base, m, paths));
      };
  }
  return {};
}

Comparison compare_whole(const Repo& repo, const ScanOptions& options, const SnapshotSpec& now,
                         const std::optional<SnapshotSpec>& base) {
  Comparison c;
  if (!base) {
    c.now = scan_whole(repo, options, now);
    return c;
  }
  if (base->kind != SnapshotKind::Tree) throw std::logic_error("a comparison's baseline is a tree");
  c.baseline = scan_whole(repo, options, *base);  // first: fills the cache the next scan reads
  c.now = scan_whole(repo, options, now);
  c.renames = renames_to(repo, tree_of(*base), now, backlog_paths(c));
  return c;
}

// The index against `head`, reading only what changed: the backlog paths
// that differ decide which IDs can be introduced, and only the items
// claiming those IDs are read (Coverage::Nearby). nullopt when it cannot
// tell (no tree, conflicts, a config change).
std::optional<Comparison> compare_changes(const Repo& repo, const ScanOptions& scan, const std::optional<Tree>& head) {
  if (!head) return std::nullopt;
  IndexView index(repo);
  if (index.has_conflicts()) return std::nullopt;
  TreeView tree(repo, *head);
  Comparison c;
  c.coverage = Coverage::Nearby;
  c.baseline = load_products(tree, scan);
  c.now = load_products(index, scan);
  const Config &was = c.baseline->config, &is = c.now.config;
  constexpr size_t kConfigRead = kMaxConfigBytes + 1;  // a larger one is refused anyway
  if (was.path != is.path || (!was.path.empty() && tree.read(was.path, kConfigRead) != index.read(is.path, kConfigRead)))
    return std::nullopt;  // the config itself changes: scan it all
  DiffOptions paths = backlog_paths(c);
  if (paths.paths.empty()) return c;  // no backlog at all
  std::vector<Change> changes = diff_tree_to_index(repo, head, index, paths);
  if (changes.empty()) return c;

  // The changed files as the index has them, and what they claim.
  ScanFilter filter;
  std::map<std::string, std::string> renames;
  Backlog changed;
  changed.config = is;
  {
    ScanFilter by_path;
    for (const Change& ch : changes) {
      if (ch.status == Change::Status::Conflicted) return std::nullopt;
      if (ch.status != Change::Status::Added) filter.paths.insert(ch.old_path);
      if (ch.status != Change::Status::Deleted) by_path.paths.insert(ch.new_path);
      if (ch.status == Change::Status::Renamed) renames[ch.new_path] = ch.old_path;
    }
    ScanOptions only_changed = scan;
    only_changed.filter = &by_path;
    changed = scan_backlog(index, only_changed);
    by_path.paths.clear();
  }
  for (const Item& item : changed.items) {
    if (std::string key = item.claim_key(); !key.empty()) filter.keys.insert(key);
    if (!item.uid.empty()) filter.uids.insert(to_lower(item.uid));
  }
  ScanOptions only_related = scan;
  only_related.filter = &filter;
  c.baseline = scan_backlog(tree, only_related);
  c.now.config = changed.config;
  for (const Item& item : c.baseline->items)
    if (!filter.paths.count(item.path)) c.now.items.push_back(item);
  for (Item& item : changed.items) c.now.items.push_back(std::move(item));
  c.renames = [renames]() { return renames; };
  // Prefix counts over a few items mean nothing: leave them to full scans.
  for (Config* config : {&c.now.config, &c.baseline->config})
    std::erase_if(config->findings, [](const Finding& f) { return f.kind == "prefix-mismatch"; });
  return c;
}

SeenEverywhere seen_by_scan(const Repo& repo, const ScanOptions& options) {
  SeenEverywhere out;
  for_each_source(repo, options, [&](const std::string& name, const Backlog& b) {
    add_highest(b, out.highest);
    bool worktree = repo.is_bare() ? name == "HEAD" : name == "working tree";
    if (!worktree) return;
    out.config = b.config;
    for (const Item& item : b.items)
      for (SequenceKey& key : sequence_keys(item)) out.item_keys[item.product_root].insert(std::move(key));
  });
  return out;
}

class ScanReader : public SnapshotReader {
 public:
  ScanReader(const Repo& repo, const ScanOptions& scan, bool only_changes)
      : repo_(repo), scan_(scan), only_changes_(only_changes) {}

  std::optional<Comparison> compare(const SnapshotSpec& now, const std::optional<SnapshotSpec>& base) const override {
    if (!only_changes_) return compare_whole(repo_, scan_, now, base);
    if (now.kind != SnapshotKind::Index || !base || base->kind != SnapshotKind::Tree) return std::nullopt;
    return compare_changes(repo_, scan_, tree_of(*base));
  }

  std::optional<SeenEverywhere> seen_everywhere() const override { return seen_by_scan(repo_, scan_); }

 private:
  const Repo& repo_;
  const ScanOptions& scan_;
  bool only_changes_;
};

}  // namespace

std::unique_ptr<SnapshotReader> scan_reader(const Repo& repo, const ScanOptions& scan, bool only_changes) {
  return std::make_unique<ScanReader>(repo, scan, only_changes);
}

std::function<Renames()> remembered(std::function<Renames()> renames) {
  if (!renames) return renames;
  auto memo = std::make_shared<std::optional<Renames>>();
  return [renames = std::move(renames), memo]() {
    if (!*memo) memo->emplace(renames());
    return **memo;
  };
}

Renames worktree_renames(const Repo& repo, const std::optional<Tree>& head, const Config& now, const Config& was) {
  DiffOptions paths;
  for (const Config* config : {&now, &was})
    for (const Product& p : config->products) paths.paths.push_back(p.root);
  return worktree_renames(repo, head, paths);
}

}  // namespace kg
