#include "check/compare.h"

#include "git/diff.h"
#include "git/index_view.h"
#include "git/merge.h"
#include "git/tree_view.h"
#include "util/strings.h"

namespace kg {

namespace {

std::optional<Backlog> scan_tree(const Repo& repo, const ScanOptions& scan, const std::optional<Tree>& tree) {
  if (!tree) return Backlog{};  // the empty tree: a baseline with nothing in it
  return scan_backlog(TreeView(repo, *tree), scan);
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

}  // namespace

Comparison compare_staged(const Repo& repo, const ScanOptions& scan) {
  Comparison c;
  std::optional<Tree> head = repo.head_tree();
  c.baseline = scan_tree(repo, scan, head);  // first: fills the cache the next scan reads
  c.now = scan_backlog(IndexView(repo), scan);
  c.renames = [&repo, head, paths = backlog_paths(c)]() {
    IndexView idx(repo);
    return renamed(diff_tree_to_index(repo, head, idx, paths));
  };
  return c;
}

std::optional<Comparison> compare_staged_changes(const Repo& repo, const ScanOptions& scan) {
  std::optional<Tree> head = repo.head_tree();
  if (!head) return std::nullopt;
  IndexView index(repo);
  if (index.has_conflicts()) return std::nullopt;
  TreeView tree(repo, *head);
  Comparison c;
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

Comparison compare_worktree(const Repo& repo, const ScanOptions& scan) {
  Comparison c;
  std::optional<Tree> head = repo.head_tree();
  c.baseline = scan_tree(repo, scan, head);  // first: fills the cache the next scan reads
  c.now = scan_worktree(repo, scan);
  c.renames = [&repo, head, paths = backlog_paths(c)]() { return worktree_renames(repo, head, paths); };
  return c;
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

Comparison compare_commits(const Repo& repo, const ScanOptions& scan, const std::optional<Commit>& base,
                           const Commit& head) {
  Comparison c;
  Tree head_tree = head.tree();
  c.now = scan_backlog(TreeView(repo, head_tree), scan);
  if (!base) return c;
  Tree base_tree = base->tree();
  c.baseline = scan_backlog(TreeView(repo, base_tree), scan);
  c.renames = [&repo, base_tree, head_tree, paths = backlog_paths(c)]() {
    return renamed(diff_trees(repo, base_tree, head_tree, paths));
  };
  return c;
}

Comparison compare_merge(const Repo& repo, const ScanOptions& scan, const Commit& ours, const Commit& target) {
  Comparison c;
  IndexView merged = merge_in_memory(repo, target, ours);
  c.now = scan_backlog(merged, scan);
  Tree target_tree = target.tree();
  c.baseline = scan_backlog(TreeView(repo, target_tree), scan);
  c.renames = [&repo, ours, target, target_tree, paths = backlog_paths(c)]() {
    IndexView m = merge_in_memory(repo, target, ours);
    return renamed(diff_tree_to_index(repo, target_tree, m, paths));
  };
  return c;
}

}  // namespace kg
