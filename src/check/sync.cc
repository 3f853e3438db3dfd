#include "check/sync.h"

namespace kg {

std::vector<ProductSync> sync_products(const Repo& repo, const ScanOptions& scan,
                                       const Backlog& worktree,
                                       const std::vector<const Product*>& products,
                                       const std::function<std::string(const Product&)>& db_path_of,
                                       bool dry_run) {
  std::vector<ProductSync> out;
  if (products.empty()) return out;
  Highest highest = highest_everywhere(repo, scan);
  for (const Product* p : products) {
    ProductSync ps;
    ps.product = p;
    ps.db_path = db_path_of(*p);
    ps.result = raise_all(repo.common_dir(), ps.db_path, product_sequences(*p, worktree, highest), dry_run);
    out.push_back(std::move(ps));
  }
  return out;
}

}  // namespace kg

namespace kg {

std::vector<ProductSync> sync_products(const Repo& repo, const SeenEverywhere& seen,
                                       const std::vector<const Product*>& products,
                                       const std::function<std::string(const Product&)>& db_path_of,
                                       bool dry_run) {
  static const std::set<SequenceKey> none;
  std::vector<ProductSync> out;
  for (const Product* p : products) {
    auto keys = seen.item_keys.find(p->root);
    ProductSync ps;
    ps.product = p;
    ps.db_path = db_path_of(*p);
    Highest rows = product_sequences(*p, keys == seen.item_keys.end() ? none : keys->second, seen.highest);
    ps.result = raise_all(repo.common_dir(), ps.db_path, rows, dry_run);
    out.push_back(std::move(ps));
  }
  return out;
}

}  // namespace kg
