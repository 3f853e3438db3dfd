// The duplicate rule (contract section 5).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/item.h"

namespace kg {

struct DuplicateGroup {
  enum class Kind { Id, Uid };
  Kind kind = Kind::Id;
  std::string key;                       // claim key (ID) or uid
  std::vector<const Item*> claimants;    // sorted by path
  // Introduced relative to the baseline: for an ID, one of its claimants is
  // new (claimants_are_old); for a uid, more files carry it than before.
  // Always true without a baseline.
  bool introduced = true;
};

// Renames between the baseline and the new snapshot: new path -> old path.
using Renames = std::map<std::string, std::string>;

// Identity follows the file (contract section 5): a claimant of an ID is
// old when, in the baseline, that ID was claimed by the same uid or by the
// same file (its path, or the path `renames` says it had). Adding, changing
// or removing a uid, editing, moving or renaming a file: none makes a
// claimant new. Each baseline claimant vouches for one claimant only, so a
// file split in two (its uid moved to a new file while the old path takes
// another uid, as a resolved add/add conflict can do) still has a new one.
// True when every identity among `claimants` (the new snapshot's claimants
// of one ID) is matched to its own claimant in `baseline_claimants`.
bool claimants_are_old(const std::vector<const Item*>& claimants,
                       const std::vector<const Item*>& baseline_claimants, const Renames* renames);

// Every duplicate ID and duplicate uid in `items`, in a deterministic order
// (by kind, then key). With a baseline, each group says whether it was
// introduced. Documents claim nothing (Item::claimed_id).
std::vector<DuplicateGroup> find_duplicates(const std::vector<Item>& items, const std::vector<Item>* baseline,
                                            const Renames* renames = nullptr);

// The rule as every check applies it: find_duplicates, and when an ID group
// looks introduced, again with the renames (asked for only then: a rename
// diff costs more than the rule).
std::vector<DuplicateGroup> find_duplicates(const std::vector<Item>& items, const std::vector<Item>* baseline,
                                            const std::function<Renames()>& renames);

// The claimant that keeps an ID when a group is repaired: the oldest by its
// UUIDv7 time, ties broken by the smaller uid; a claimant without a valid
// UUIDv7 counts as newest (then by path).
const Item* keeper_of(const DuplicateGroup& group);

}  // namespace kg
