#include "model/duplicates.h"

#include <algorithm>
#include <map>
#include <set>

#include "model/uuid7.h"
#include "util/strings.h"

namespace kg {

namespace {

using Groups = std::map<std::string, std::vector<const Item*>>;

Groups by_claim(const std::vector<Item>& items) {
  Groups g;
  for (const Item& item : items) {
    if (!item.claims.key.empty()) g[item.claims.key].push_back(&item);
  }
  return g;
}

Groups by_uid(const std::vector<Item>& items) {
  Groups g;
  for (const Item& item : items)
    if (!item.claims.uid.empty()) g[item.claims.uid].push_back(&item);
  return g;
}

std::set<std::string> identities(const std::vector<const Item*>& claimants) {
  std::set<std::string> out;
  for (const Item* item : claimants) out.insert(item->identity());
  return out;
}

void sort_by_path(std::vector<const Item*>& v) {
  std::sort(v.begin(), v.end(), [](const Item* a, const Item* b) { return a->path < b->path; });
}

}  // namespace

bool claimants_are_old(const std::vector<const Item*>& claimants,
                       const std::vector<const Item*>& baseline_claimants, const Renames* renames) {
  // The claimants by identity: copies of one item count once.
  std::map<std::string, std::vector<const Item*>> by_identity;
  for (const Item* c : claimants) by_identity[c->identity()].push_back(c);
  if (by_identity.size() > baseline_claimants.size()) return false;
  // Which baseline claimants each identity may be: same uid or same file.
  std::vector<std::vector<size_t>> may_be;
  for (const auto& [identity, copies] : by_identity) {
    std::vector<size_t>& options = may_be.emplace_back();
    for (size_t j = 0; j < baseline_claimants.size(); ++j) {
      const Item& old = *baseline_claimants[j];
      const std::string& old_uid = old.claims.uid;
      for (const Item* c : copies) {
        const std::string* was_at = &c->path;
        if (renames)
          if (auto it = renames->find(c->path); it != renames->end()) was_at = &it->second;
        if ((!old_uid.empty() && c->claims.uid == old_uid) || old.path == *was_at) {
          options.push_back(j);
          break;
        }
      }
    }
  }
  // A matching that gives every identity its own baseline claimant
  // (augmenting paths; groups are a handful of files).
  std::vector<int> owner(baseline_claimants.size(), -1);
  std::function<bool(size_t, std::vector<bool>&)> assign = [&](size_t i, std::vector<bool>& tried) {
    for (size_t j : may_be[i]) {
      if (tried[j]) continue;
      tried[j] = true;
      if (owner[j] < 0 || assign(static_cast<size_t>(owner[j]), tried)) {
        owner[j] = static_cast<int>(i);
        return true;
      }
    }
    return false;
  };
  for (size_t i = 0; i < may_be.size(); ++i) {
    std::vector<bool> tried(baseline_claimants.size(), false);
    if (!assign(i, tried)) return false;
  }
  return true;
}

std::vector<DuplicateGroup> find_duplicates(const std::vector<Item>& items, const std::vector<Item>* baseline,
                                            const Renames* renames) {
  std::vector<DuplicateGroup> out;
  Groups now_ids = by_claim(items);
  Groups old_ids = baseline ? by_claim(*baseline) : Groups{};
  static const std::vector<const Item*> none;
  for (auto& [key, claimants] : now_ids) {
    if (identities(claimants).size() < 2) continue;
    DuplicateGroup g{DuplicateGroup::Kind::Id, key, claimants, true};
    if (baseline) {
      auto old_it = old_ids.find(key);
      const std::vector<const Item*>& old = old_it == old_ids.end() ? none : old_it->second;
      g.introduced = !claimants_are_old(claimants, old, renames);
    }
    sort_by_path(g.claimants);
    out.push_back(std::move(g));
  }
  Groups now_uids = by_uid(items);
  Groups old_uids = baseline ? by_uid(*baseline) : Groups{};
  for (auto& [uid, carriers] : now_uids) {
    if (carriers.size() < 2) continue;
    DuplicateGroup g{DuplicateGroup::Kind::Uid, uid, carriers, true};
    if (baseline) {
      auto old_it = old_uids.find(uid);
      size_t before = old_it == old_uids.end() ? 0 : old_it->second.size();
      g.introduced = carriers.size() > before;
    }
    sort_by_path(g.claimants);
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<DuplicateGroup> find_duplicates(const std::vector<Item>& items, const std::vector<Item>* baseline,
                                            const std::function<Renames()>& renames) {
  std::vector<DuplicateGroup> groups = find_duplicates(items, baseline, static_cast<const Renames*>(nullptr));
  if (!baseline || !renames) return groups;
  bool introduced_id = std::any_of(groups.begin(), groups.end(), [](const DuplicateGroup& g) {
    return g.introduced && g.kind == DuplicateGroup::Kind::Id;
  });
  if (!introduced_id) return groups;
  const Renames r = renames();
  return r.empty() ? groups : find_duplicates(items, baseline, &r);
}

const Item* keeper_of(const DuplicateGroup& group) {
  const Item* best = nullptr;
  auto older = [](const Item* a, const Item* b) {
    auto ta = uuid7_millis(a->uid), tb = uuid7_millis(b->uid);
    if (ta && tb) {
      if (*ta != *tb) return *ta < *tb;
      if (a->uid != b->uid) return a->uid < b->uid;
      return a->path < b->path;
    }
    if (ta || tb) return ta.has_value();  // an invalid uid counts as newest
    return a->path < b->path;
  };
  for (const Item* item : group.claimants)
    if (!best || older(item, best)) best = item;
  return best;
}

}  // namespace kg
