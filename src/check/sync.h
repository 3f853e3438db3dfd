// Sync: raise each product's stored sequences to the highest number in use
// anywhere the repository can see (never lower). Used by `sync`, `install`
// and the post-merge / post-checkout / post-rewrite hooks.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "check/sources.h"
#include "store/reservation.h"

namespace kg {

struct ProductSync {
  const Product* product = nullptr;
  std::string db_path;
  SyncResult result;
};

// Raises each of `products`' stored sequences to what `seen` (from
// seen_everywhere, check/snapshot.h) found in use. `db_path_of` maps a
// product to its absolute database path.
std::vector<ProductSync> sync_products(const Repo& repo, const SeenEverywhere& seen,
                                       const std::vector<const Product*>& products,
                                       const std::function<std::string(const Product&)>& db_path_of,
                                       bool dry_run);

}  // namespace kg
