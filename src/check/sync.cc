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
