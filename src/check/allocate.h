// Allocating new IDs for a product: the floor from every snapshot the
// repository can see, then the store's two-lock reservation.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "check/sources.h"
#include "model/config.h"
#include "model/id.h"

namespace kg {

struct AllocateRequest {
  const Product* product = nullptr;
  TypeCode type = TypeCode::Task;
  int count = 1;
  std::string db_path;     // absolute
  bool no_fallback = false;
  // Extra numbers to stay above, e.g. an ID being freed by a renumbering.
  int64_t at_least = 0;
  // Settles the range elsewhere under the local locks (ReserveRequest::settle).
  std::function<int64_t(int64_t highest)> settle;
};

struct Allocation {
  std::vector<ItemId> ids;
  std::vector<std::string> uids;  // a fresh UUIDv7 per ID
  std::vector<std::string> warnings;
  bool fallback = false;
};

// Throws StoreError (database trouble, or read-only with no_fallback).
Allocation allocate(const Repo& repo, const ScanOptions& scan, const AllocateRequest& request);

}  // namespace kg
