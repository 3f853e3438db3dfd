#include "check/sources.h"

#include "check/snapshot.h"
#include "git/index_view.h"
#include "git/refs.h"
#include "git/tree_view.h"
#include "git/worktrees.h"

namespace kg {

namespace {

void raise(Highest& out, const SequenceKey& key, int64_t n) {
  int64_t& v = out[key];
  if (n > v) v = n;
}

}  // namespace

void add_highest(const Backlog& backlog, Highest& out) {
  for (const Item& item : backlog.items) {
    for (const ClaimedId& c : item.claims.ids) {
      if (c.id.type == TypeCode::Adr) {
        const Product* p = backlog.config.product_for_path(item.path);
        if (p) raise(out, {p->prefix, "ADR"}, c.id.number);
      } else {
        raise(out, {c.id.prefix, std::string(type_code(c.id.type))}, c.id.number);
      }
    }
  }
}

std::vector<SequenceKey> sequence_keys(const Item& item) { return item.claims.item_sequences(); }

void for_each_source(const Repo& repo, const ScanOptions& options,
                     const std::function<void(const std::string&, const Backlog&)>& visit) {
  // Trees first: their cached folders also fill the cache the index and the
  // working tree are then read through.
  for (const auto& [name, tree] : ref_trees(repo))
    visit(name, scan_backlog(TreeView(repo, tree), options));
  if (!repo.is_bare()) {
    visit("index", scan_backlog(IndexView(repo), options));
    visit("working tree", scan_worktree(repo, options));
  }
  for_each_sibling_source(repo, options, visit);
}

void for_each_sibling_source(const Repo& repo, const ScanOptions& options,
                             const std::function<void(const std::string&, const Backlog&)>& visit) {
  // A sibling's HEAD may be detached (a rebase in progress) and so on no
  // branch; its index may hold what neither has; its working tree may be
  // sparse. All three count.
  for (const std::string& dir : other_worktrees(repo)) {
    Repo sibling = Repo::open(dir);
    if (std::optional<Tree> head = sibling.head_tree())
      visit("worktree " + dir + " HEAD", scan_backlog(TreeView(sibling, *head), options));
    visit("worktree " + dir + " index", scan_backlog(IndexView(sibling), options));
    visit("worktree " + dir, scan_worktree(sibling, options));
  }
}

Highest highest_everywhere(const Repo& repo, const ScanOptions& options) {
  return seen_everywhere(repo, options).highest;
}

}  // namespace kg

namespace kg {

Highest product_sequences(const Product& product, const Backlog& backlog, const Highest& highest) {
  std::set<SequenceKey> keys;
  for (const Item& item : backlog.items)
    if (item.product_root == product.root)
      for (SequenceKey& key : sequence_keys(item)) keys.insert(std::move(key));
  return product_sequences(product, keys, highest);
}

Highest product_sequences(const Product& product, const std::set<SequenceKey>& item_keys, const Highest& highest) {
  Highest out;
  auto take = [&](const SequenceKey& key) {
    auto it = highest.find(key);
    out[key] = it == highest.end() ? 0 : it->second;
  };
  for (TypeCode t : kAllTypes) take({product.prefix, std::string(type_code(t))});
  for (const SequenceKey& key : item_keys) take(key);
  return out;
}

}  // namespace kg
