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
    std::string key = item.claim_key();
    if (!key.empty()) g[key].push_back(&item);
  }
  return g;
}

Groups by_uid(const std::vector<Item>& items) {
  Groups g;
  for (const Item& item : items)
    if (!item.uid.empty()) g[to_lower(item.uid)].push_back(&item);
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

std::vector<DuplicateGroup> find_duplicates(const std::vector<Item>& items,
                                            const std::vector<Item>* baseline) {
  std::vector<DuplicateGroup> out;
  Groups now_ids = by_claim(items);
  Groups old_ids = baseline ? by_claim(*baseline) : Groups{};
  for (auto& [key, claimants] : now_ids) {
    std::set<std::string> now = identities(claimants);
    if (now.size() < 2) continue;
    DuplicateGroup g{DuplicateGroup::Kind::Id, key, claimants, true};
    if (baseline) {
      auto old_it = old_ids.find(key);
      std::set<std::string> old =
          old_it == old_ids.end() ? std::set<std::string>{} : identities(old_it->second);
      g.introduced = !std::includes(old.begin(), old.end(), now.begin(), now.end());
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
