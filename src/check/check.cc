#include "check/check.h"

#include <algorithm>
#include <map>
#include <set>

#include "model/duplicates.h"
#include "model/uuid7.h"

namespace kg {

namespace {

Claimant to_claimant(const Item& item, const Item* keeper) {
  Claimant c;
  c.path = item.path;
  c.uid = item.uid;
  c.filename_id = item.claims.filename() ? item.claims.filename()->display() : "";
  c.created = uuid7_time_text(item.uid);
  c.keeper = &item == keeper;
  return c;
}

// The sequence an ID's number comes from, as `Highest` keys it.
std::optional<SequenceKey> sequence_of(const Item& item, const Backlog& b) {
  const auto& id = item.claimed_id();
  if (!id) return std::nullopt;
  if (id->type != TypeCode::Adr) return SequenceKey{id->prefix, std::string(type_code(id->type))};
  const Product* p = b.config.product_for_path(item.path);
  if (!p) return std::nullopt;
  return SequenceKey{p->prefix, "ADR"};
}

// Findings a file or config carried in the baseline already: not news.
std::set<std::string> known_findings(const Backlog* baseline) {
  std::set<std::string> out;
  if (!baseline) return out;
  for (const Finding& f : baseline->all_findings()) out.insert(f.kind + "\n" + f.path + "\n" + f.message);
  return out;
}

}  // namespace

void refuse_unreadable_claimants(const Backlog& now) {
  std::map<std::string, std::vector<const Item*>> by_claim;
  bool any = false;
  for (const Item& item : now.items) {
    std::string key = item.claim_key();
    if (key.empty()) continue;
    by_claim[key].push_back(&item);
    any = any || item.unreadable;
  }
  if (!any) return;
  for (const auto& [key, items] : by_claim) {
    if (items.size() < 2) continue;
    for (const Item* item : items) {
      if (!item->unreadable) continue;
      const Item* other = items[0] == item ? items[1] : items[0];
      std::string why = item->findings.empty() ? std::string() : item->findings.front().message;
      throw UnreadableClaimant(
          "cannot read " + item->path + " (" + why + "); its file name claims " +
          item->claimed_id()->display() + ", which " + other->path +
          " claims too: it may be a duplicate, so nothing is passed. Make the file readable (for a partial "
          "clone: reach its promisor remote, e.g. 'git fetch'), then run the check again");
    }
  }
}

int CheckReport::errors() const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                        [](const CheckFinding& f) { return f.severity == Severity::Error; }));
}

int CheckReport::warnings() const { return static_cast<int>(findings.size()) - errors(); }

CheckReport run_check(Backlog& now, const Backlog* baseline, const CheckOptions& options) {
  CheckReport report;
  report.items_scanned = now.items.size();
  report.has_backlog = now.has_backlog() || (baseline && baseline->has_backlog());
  const std::vector<Item>* base_items = baseline ? &baseline->items : nullptr;

  refuse_unreadable_claimants(now);
  std::vector<DuplicateGroup> groups = find_duplicates(now.items, base_items, options.renames);

  Highest highest = options.extra_highest;
  add_highest(now, highest);
  if (baseline) add_highest(*baseline, highest);

  for (const DuplicateGroup& g : groups) {
    CheckFinding f;
    f.introduced = g.introduced;
    f.severity = g.introduced || options.strict ? Severity::Error : Severity::Warning;
    const Item* keeper = keeper_of(g);
    for (const Item* i : g.claimants) f.items.push_back(to_claimant(*i, keeper));
    if (g.kind == DuplicateGroup::Kind::Uid) {
      f.kind = "duplicate-uid";
      f.uid = g.key;
      const auto& id = g.claimants.front()->claimed_id();
      if (id) f.id = id->display();
    } else {
      f.kind = "duplicate-id";
      f.id = g.claimants.front()->claimed_id()->display();
      if (auto seq = sequence_of(*g.claimants.front(), now)) {
        int64_t& top = highest[*seq];
        for (size_t k = 1; k < g.claimants.size(); ++k) {
          ItemId next = *g.claimants.front()->claimed_id();
          next.number = ++top;
          f.suggested_ids.push_back(next.display());
        }
      }
    }
    report.findings.push_back(std::move(f));
  }

  std::set<std::string> known = known_findings(baseline);
  for (const Finding& w : now.all_findings()) {
    if (known.count(w.kind + "\n" + w.path + "\n" + w.message)) continue;
    CheckFinding f;
    f.kind = w.kind;
    f.severity = w.severity;
    f.introduced = baseline != nullptr;
    f.line = w.line;
    f.message = w.message;
    f.items.push_back(Claimant{w.path, "", "", "", false});
    report.findings.push_back(std::move(f));
  }

  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const CheckFinding& a, const CheckFinding& b) {
                     if (a.severity != b.severity) return a.severity == Severity::Error;
                     return false;
                   });
  return report;
}

}  // namespace kg
