#include "check/sync.h"

#include <stdexcept>

namespace kg {

namespace {

// The product's database path; false, with a warning, when it has none
// that may be written (an unsafe key, a path leading out of the tree).
bool database_of(ProductSync& ps, const std::function<std::string(const Product&)>& db_path_of) {
  try {
    ps.db_path = db_path_of(*ps.product);
    return true;
  } catch (const std::runtime_error& e) {
    ps.result.warnings.push_back(std::string("warning: not synced: ") + e.what());
    return false;
  }
}

}  // namespace

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
    if (!database_of(ps, db_path_of)) {
      out.push_back(std::move(ps));
      continue;
    }
    Highest rows = product_sequences(*p, keys == seen.item_keys.end() ? none : keys->second, seen.highest);
    ps.result = raise_all(repo.common_dir(), ps.db_path, rows, dry_run);
    out.push_back(std::move(ps));
  }
  return out;
}

}  // namespace kg
