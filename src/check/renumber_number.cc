// renumber, step 3: the new IDs (previewed or reserved), paths and worklog.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "check/allocate.h"
#include "check/renumber.h"
#include "check/sources.h"
#include "model/frontmatter.h"
#include "model/layout.h"
#include "model/rewrite.h"
#include "store/journal.h"
#include "store/sequence_locks.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

// The sequence a number comes from: ADRs use their product's prefix.
std::string sequence_prefix(const Product& product, const std::string& prefix, TypeCode type) {
  return type == TypeCode::Adr ? product.prefix : prefix;
}

const Product& product_of(const Config& config, const RenumberMove& m) {
  for (const Product& p : config.products)
    if (p.root == m.product_root) return p;
  if (const Product* p = config.product_for_path(m.from)) return *p;
  throw RenumberRefused(m.from + " belongs to no product of the backlog");
}

std::string uid_text(const std::string& uid) { return uid.empty() ? "no uid" : "uid " + uid; }

}  // namespace

NumberSource provisional_numbers(const Repo& repo, const ScanOptions& scan,
                                 const std::function<std::string(const Product&)>& db_path) {
  auto highest = std::make_shared<std::optional<Highest>>();
  return [&repo, scan, db_path, highest](const Product& product, const std::string& prefix, TypeCode type,
                                         int count) {
    if (!*highest) *highest = highest_everywhere(repo, scan);
    const std::string seq = to_upper(sequence_prefix(product, prefix, type));
    const std::string code(type_code(type));
    int64_t top = 0;
    auto it = (*highest)->find({seq, code});
    if (it != (*highest)->end()) top = it->second;
    top = std::max(top, peek_stored(db_path(product), seq, code).value_or(0));
    top = std::max(top, peek_journal(journal_path(repo.common_dir()), seq, code).value_or(0));
    std::vector<int64_t> out;
    for (int i = 1; i <= count; ++i) out.push_back(top + i);
    return out;
  };
}

NumberSource allocated_numbers(const Repo& repo, const ScanOptions& scan,
                               const std::function<std::string(const Product&)>& db_path,
                               std::vector<std::string>* warnings) {
  return [&repo, scan, db_path, warnings](const Product& product, const std::string& prefix, TypeCode type,
                                          int count) {
    Product seq = product;  // a foreign prefix keeps its own sequence
    seq.prefix = to_upper(sequence_prefix(product, prefix, type));
    AllocateRequest req;
    req.product = &seq;
    req.type = type;
    req.count = count;
    req.db_path = db_path(product);
    req.no_fallback = true;  // a repair must not hand out unguarded numbers
    Allocation a = allocate(repo, scan, req);
    if (warnings) warnings->insert(warnings->end(), a.warnings.begin(), a.warnings.end());
    std::vector<int64_t> out;
    for (const ItemId& id : a.ids) out.push_back(id.number);
    return out;
  };
}

std::vector<std::string> check_explicit_id(const RenumberPlan& plan, const ItemId& to, const Repo& repo,
                                           const ScanOptions& scan, const Config& config,
                                           const std::function<std::string(const Product&)>& db_path) {
  std::set<std::string> identities;
  const RenumberMove* first = nullptr;
  for (const RenumberMove& m : plan.moves) {
    if (m.kind != RenumberMove::Kind::Renumber) continue;
    identities.insert(m.identity);
    if (!first) first = &m;
  }
  if (identities.size() != 1)
    throw RenumberRefused("--to needs exactly one item to renumber; this would renumber " +
                          std::to_string(identities.size()));
  if (to.type != first->old_id.type)
    throw RenumberRefused("--to " + to.display() + " is not of the same type as " + first->old_id.display() +
                          " (an item's type comes from its ID)");
  if (to == first->old_id) throw RenumberRefused("--to " + to.display() + " is the ID it already has");
  const std::string key = claim_key_of(to, first->product_root);
  std::string where;
  for_each_source(repo, scan, [&](const std::string& source, const Backlog& b) {
    for (const Item& item : b.items) {
      if (!where.empty()) return;
      for (const ClaimedId& c : item.claims.ids)
        if (claim_key_of(c.id, item.product_root) == key) where = item.path + " (" + source + ")";
    }
  });
  if (!where.empty()) throw RenumberRefused("--to " + to.display() + " is already claimed by " + where);

  const Product* product = &product_of(config, *first);
  const std::string seq = to_upper(sequence_prefix(*product, to.prefix, to.type));
  const std::string code(type_code(to.type));
  const std::string journal = journal_path(repo.common_dir());
  std::error_code ec;
  if (std::filesystem::is_regular_file(journal, ec)) {
    try {
      Database db(journal, Database::Mode::ReadOnly);
      Statement st(db, "SELECT reserved_at FROM reservations WHERE upper(prefix) = ?1 AND upper(type_code) = ?2 "
                       "AND number = ?3");
      st.bind(1, seq).bind(2, code).bind(3, to.number);
      if (st.step())
        throw RenumberRefused("--to " + to.display() + " was already handed out by kabsd-guard (clone journal, " +
                              st.column_text(0) + ")");
    } catch (const StoreError&) {
      // An unreadable journal: the file scan above still holds.
    }
  }
  std::vector<std::string> warnings;
  auto stored = peek_stored(db_path(*product), seq, code);
  if (stored && to.number <= *stored)
    warnings.push_back("--to " + to.display() + " is at or below the stored value " + std::to_string(*stored) +
                       " of " + seq + "/" + code + ": the Python tool may have handed it out to an item that no "
                       "snapshot holds yet");
  return warnings;
}

void reserve_explicit(const RenumberPlan& plan, const ItemId& to, const Repo& repo, const ScanOptions& scan,
                      const Config& config, const std::function<std::string(const Product&)>& db_path,
                      std::vector<std::string>* warnings) {
  const RenumberMove* first = nullptr;
  for (const RenumberMove& m : plan.moves)
    if (!first && m.kind == RenumberMove::Kind::Renumber) first = &m;
  if (!first) return;
  const Product& product = product_of(config, *first);
  const std::string prefix = to.type == TypeCode::Adr ? product.prefix : to.prefix;
  int64_t top = provisional_numbers(repo, scan, db_path)(product, prefix, to.type, 1).front() - 1;
  if (to.number <= top) return;  // a gap: nothing to record
  Product seq = product;
  seq.prefix = to_upper(prefix);
  AllocateRequest req;
  req.product = &seq;
  req.type = to.type;
  req.db_path = db_path(product);
  req.no_fallback = true;
  req.at_least = to.number - 1;
  Allocation a = allocate(repo, scan, req);
  if (warnings) warnings->insert(warnings->end(), a.warnings.begin(), a.warnings.end());
  if (a.ids.size() != 1 || a.ids.front().number != to.number)
    throw RenumberFailed("--to " + to.display() + " was handed out by a concurrent reservation meanwhile; no file was changed");
}

std::string renumbered_path(const std::string& path, const std::string& product_root, const ItemId& new_id) {
  std::string_view name = path_basename(path);
  std::string_view ext = name.size() > 3 ? name.substr(name.size() - 3) : std::string_view(".md");
  std::string stem(name.substr(0, name.size() - ext.size()));
  std::string slug = parse_filename_id(name) ? slug_of(name) : stem;
  std::string file = new_id.display() + (slug.empty() ? "" : "_" + slug) + std::string(ext);
  std::string_view rel = path_relative(path, product_root);
  auto parts = split(rel, '/');
  if (!parts.empty() && parts[0] == "decisions") return path_join(path_dirname(path), file);
  std::string folder = parts.size() >= 3 ? std::string(parts[1]) : std::string(type_folder(new_id.type));
  return path_join(product_root, "items/" + folder + "/" + bucket_for(new_id.number) + "/" + file);
}

std::string rewrite_item(const std::string& path, const std::string& original, const ItemId& new_id,
                         const std::string& worklog) {
  Frontmatter fm = parse_frontmatter(original);
  if (fm.status != Frontmatter::Status::Ok)
    throw RenumberRefused("cannot renumber " + path + ": its frontmatter cannot be parsed: " + fm.error);
  auto replaced = replace_id_value(original, fm, new_id.display());
  if (!replaced)
    throw RenumberRefused("cannot renumber " + path + ": it has no single-line 'id:' value to change");
  std::string out = append_worklog(*replaced, fm.body_begin + (replaced->size() - original.size()), worklog);
  Frontmatter after = parse_frontmatter(out);
  auto id_after = after.id ? parse_id(*after.id) : std::nullopt;
  if (after.status != Frontmatter::Status::Ok || !id_after || !(*id_after == new_id) || after.uid != fm.uid)
    throw RenumberRefused("cannot renumber " + path + ": its id value could not be changed safely");
  return out;
}

void number_moves(RenumberPlan& plan, const Config& config, const NumberSource& numbers,
                  const std::optional<ItemId>& to, bool provisional) {
  // One number per identity, per sequence, in plan order.
  using Seq = std::tuple<std::string, std::string, TypeCode>;  // product key, prefix, type
  std::map<Seq, std::vector<std::string>> order;
  std::map<std::string, ItemId> assigned;  // identity -> new ID
  for (RenumberMove& m : plan.moves) {
    m.product_key = product_of(config, m).key;
    if (m.kind != RenumberMove::Kind::Renumber) continue;
    auto& ids = order[{m.product_key, m.old_id.prefix, m.old_id.type}];
    if (std::find(ids.begin(), ids.end(), m.identity) == ids.end()) ids.push_back(m.identity);
  }
  if (to) {
    for (const RenumberMove& m : plan.moves)
      if (m.kind == RenumberMove::Kind::Renumber) assigned[m.identity] = *to;
  } else {
    for (const auto& [seq, identities] : order) {
      const auto& [key, prefix, type] = seq;
      const Product* product = config.find(key);
      auto got = numbers(*product, prefix, type, static_cast<int>(identities.size()));
      if (got.size() != identities.size()) throw RenumberFailed("the reservation handed out too few numbers");
      for (size_t i = 0; i < identities.size(); ++i)
        assigned[identities[i]] = ItemId{type == TypeCode::Adr ? "" : prefix, type, got[i]};
    }
  }
  for (RenumberMove& m : plan.moves) {
    if (m.kind == RenumberMove::Kind::Rename) {
      m.to = renumbered_path(m.from, m.product_root, *m.new_id);
      m.rewritten = m.original;
      continue;
    }
    m.new_id = assigned.at(m.identity);
    m.provisional = provisional && !to;  // an explicit ID is exact
    m.to = renumbered_path(m.from, m.product_root, *m.new_id);
    const std::string old = m.old_id.display(), now = m.new_id->display();
    m.message = "Renumbered from " + old + " to " + now;
    if (!m.other_path.empty())
      m.message += ": " + old + " is also claimed by " + m.other_path + " (" + uid_text(m.other_uid) + ")";
    m.message += ".";
    // Checked now, so a preview fails exactly where the real run would.
    m.rewritten = rewrite_item(m.from, m.original, *m.new_id, worklog_line("YYYY-MM-DD HH:MM", m.message));
  }
}

}  // namespace kg
