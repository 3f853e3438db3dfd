// The duplicate rule (contract section 5).
#pragma once

#include <string>
#include <vector>

#include "model/item.h"

namespace kg {

struct DuplicateGroup {
  enum class Kind { Id, Uid };
  Kind kind = Kind::Id;
  std::string key;                       // claim key (ID) or uid
  std::vector<const Item*> claimants;    // sorted by path
  // Introduced relative to the baseline: for an ID, the identities claiming
  // it now are not a subset of those that claimed it before; for a uid, more
  // files carry it than before. Always true without a baseline.
  bool introduced = true;
};

// Every duplicate ID and duplicate uid in `items`, in a deterministic order
// (by kind, then key). With a baseline, each group says whether it was
// introduced.
std::vector<DuplicateGroup> find_duplicates(const std::vector<Item>& items,
                                            const std::vector<Item>* baseline);

// The claimant that keeps an ID when a group is repaired: the oldest by its
// UUIDv7 time, ties broken by the smaller uid; a claimant without a valid
// UUIDv7 counts as newest (then by path).
const Item* keeper_of(const DuplicateGroup& group);

}  // namespace kg
