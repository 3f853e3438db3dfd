// renumber, step 1: which files move, and why.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "check/renumber.h"
#include "git/handles.h"
#include "model/duplicates.h"
#include "model/layout.h"
#include "util/paths.h"

namespace kg {

namespace fs = std::filesystem;

namespace {

const Item* find_item(const Backlog& b, const std::string& path) {
  for (const Item& item : b.items)
    if (item.path == path) return &item;
  return nullptr;
}

std::string unparseable_reason(const Item& item) {
  for (const Finding& f : item.findings)
    if (f.kind == "unparseable-frontmatter") {
      std::string msg = f.message;
      const std::string lead = "cannot read the frontmatter: ";
      if (msg.rfind(lead, 0) == 0) msg.erase(0, lead.size());
      return msg + (f.line > 0 ? " (line " + std::to_string(f.line) + ")" : "");
    }
  return "cannot read the frontmatter";
}

RenumberMove move_for(const Item& item) {
  RenumberMove m;
  m.kind = RenumberMove::Kind::Renumber;
  m.from = item.path;
  m.product_root = item.product_root;
  m.old_id = *item.claimed_id();
  m.uid = item.uid;
  m.identity = item.identity();
  return m;
}

// An item that is to get a new ID must have a frontmatter we can rewrite.
void require_rewritable(const Item& item) {
  if (!item.parsed)
    throw RenumberRefused("cannot renumber " + item.path + ": its frontmatter cannot be parsed: " +
                          unparseable_reason(item) + "; fix it by hand first");
  // A repeated or merged id: rewriting the one value read would leave the
  // others behind, each another item's ID if someone later deletes a line.
  for (const Finding& f : item.findings)
    if (f.kind == "ambiguous-key" && f.message.rfind("'id'", 0) == 0)
      throw RenumberRefused("cannot renumber " + item.path + ": " + f.message +
                            " (line " + std::to_string(f.line) + "); fix it by hand first");
}

// Adds the claimants of a duplicate-ID group that lose the ID.
void add_group(RenumberPlan& plan, const DuplicateGroup& g) {
  const Item* keeper = keeper_of(g);
  std::vector<std::string> paths;
  for (const Item* c : g.claimants) paths.push_back(c->path);
  plan.claimants.emplace_back(g.key, paths);
  for (const Item* c : g.claimants) {
    if (c->identity() == keeper->identity()) continue;
    require_rewritable(*c);
    RenumberMove m = move_for(*c);
    m.other_path = keeper->path;
    m.other_uid = keeper->uid;
    plan.moves.push_back(std::move(m));
  }
}

void sort_moves(RenumberPlan& plan) {
  std::sort(plan.moves.begin(), plan.moves.end(), [](const RenumberMove& a, const RenumberMove& b) {
    return std::tie(a.old_id, a.product_root, a.from) < std::tie(b.old_id, b.product_root, b.from);
  });
  std::sort(plan.claimants.begin(), plan.claimants.end());
}

// `target` as a repository-relative path when a file (or link) is there.
std::optional<std::string> as_path(const std::string& workdir, const std::string& cwd, const std::string& target) {
  std::vector<fs::path> candidates;
  fs::path t(target);
  if (t.is_absolute()) candidates.push_back(t);
  else candidates = {fs::path(cwd) / t, fs::path(workdir) / t};
  for (const fs::path& c : candidates) {
    struct stat st {};
    if (::lstat(c.c_str(), &st) != 0) continue;
    fs::path abs = c.lexically_normal();
    std::error_code ec;
    fs::path parent = fs::canonical(abs.parent_path(), ec);
    fs::path root = fs::canonical(workdir, ec);
    if (ec) continue;
    std::string p = (parent / abs.filename()).generic_string(), r = root.generic_string();
    if (!path_within(p, r) || p == r)
      throw RenumberRefused(target + " is outside the repository's working tree (" + workdir + ")");
    return std::string(path_relative(p, r));
  }
  return std::nullopt;
}

RenumberPlan select_path(const Backlog& wt, const std::string& workdir, const std::string& rel,
                         const std::string& shown) {
  const std::string full = path_join(workdir, rel);
  struct stat st {};
  if (::lstat(full.c_str(), &st) != 0)
    throw RenumberRefused("cannot read " + shown + ": " + std::strerror(errno));
  if (S_ISLNK(st.st_mode))
    throw RenumberRefused(shown + " is a symbolic link; renumber only changes regular item files");
  if (!S_ISREG(st.st_mode)) throw RenumberRefused(shown + " is not a regular file");
  const Product* product = wt.config.product_for_path(rel);
  Entry kind = product ? classify(path_relative(rel, product->root)) : Entry::None;
  const Item* item = kind == Entry::None ? nullptr : find_item(wt, rel);
  if (!item)
    throw RenumberRefused(shown + " is not an item or decision of the backlog (a .md file below a product's items/ "
                          "or decisions/ folder, not a README, an index page or inside _trash/, views/, ...)");
  if (item->document)
    throw RenumberRefused(shown + " is a document, not an item (it has no frontmatter): it claims no ID, so there is "
                                  "nothing to renumber");
  require_rewritable(*item);
  if (!item->claimed_id()) throw RenumberRefused(shown + " has no ID to renumber (no id in its frontmatter or name)");

  RenumberPlan plan;
  plan.mode = "target";
  RenumberMove m = move_for(*item);
  const std::string key = item->claim_key();
  std::vector<std::string> paths;
  const Item* keeper = nullptr;
  for (const DuplicateGroup& g : find_duplicates(wt.items, nullptr))
    if (g.kind == DuplicateGroup::Kind::Id && g.key == key) keeper = keeper_of(g);
  for (const Item& other : wt.items) {
    if (other.claim_key() != key) continue;
    paths.push_back(other.path);
    if (m.other_path.empty() && other.identity() != item->identity()) {
      m.other_path = other.path;
      m.other_uid = other.uid;
    }
  }
  if (keeper && keeper->identity() != item->identity()) {
    m.other_path = keeper->path;
    m.other_uid = keeper->uid;
  }
  plan.claimants.emplace_back(key, paths);
  plan.moves.push_back(std::move(m));
  return plan;
}

RenumberPlan select_id(const Backlog& wt, const std::string& target) {
  auto id = parse_id(target);
  if (!id) throw RenumberRefused("no such file, and not an ID like PREFIX-TSK-0001 or ADR-0001: " + target);
  RenumberPlan plan;
  plan.mode = "target";
  std::map<std::string, std::vector<const Item*>> claims;
  for (const Item& item : wt.items)
    if (item.claimed_id() && *item.claimed_id() == *id) claims[item.claim_key()].push_back(&item);
  if (claims.empty()) throw RenumberRefused("no file in the working tree claims " + id->display());
  std::map<std::string, const DuplicateGroup*> groups;
  auto dups = find_duplicates(wt.items, nullptr);
  for (const DuplicateGroup& g : dups)
    if (g.kind == DuplicateGroup::Kind::Id) groups[g.key] = &g;
  for (const auto& [key, items] : claims) {
    auto it = groups.find(key);
    if (it != groups.end()) {
      add_group(plan, *it->second);
      continue;
    }
    plan.notes.push_back(id->display() + " is claimed by one item only (" + items.front()->path +
                         "): nothing to renumber; name its path to give it a new ID anyway");
  }
  sort_moves(plan);
  return plan;
}

}  // namespace

RenumberPlan select_target(const Backlog& wt, const std::string& workdir, const std::string& cwd,
                           const std::string& target) {
  if (target.empty()) throw RenumberRefused("an empty TARGET");
  if (auto rel = as_path(workdir, cwd, target)) return select_path(wt, workdir, *rel, target);
  return select_id(wt, target);
}

RenumberPlan select_all(const Backlog& wt, const std::vector<Item>* baseline,
                        const std::function<Renames()>& renames) {
  RenumberPlan plan;
  plan.mode = baseline ? "introduced" : "all";
  for (const DuplicateGroup& g : find_duplicates(wt.items, baseline, renames)) {
    if (g.kind == DuplicateGroup::Kind::Uid) {
      plan.notes.push_back("uid " + g.key + " is carried by " + std::to_string(g.claimants.size()) +
                           " files (a copied file, first " + g.claimants.front()->path +
                           "): renumber does not repair duplicate uids");
      continue;
    }
    if (!g.introduced) {
      plan.notes.push_back(g.key + " was already claimed by several items in HEAD: left as it is (without "
                           "--introduced, renumber --all repairs it)");
      continue;
    }
    add_group(plan, g);
  }
  sort_moves(plan);
  return plan;
}

RenumberPlan select_filenames(const Backlog& wt) {
  RenumberPlan plan;
  plan.mode = "filenames";
  std::set<std::string> dup_keys;
  for (const DuplicateGroup& g : find_duplicates(wt.items, nullptr))
    if (g.kind == DuplicateGroup::Kind::Id) dup_keys.insert(g.key);
  for (const Item& item : wt.items) {
    if (!item.parsed || !item.id) continue;
    if (item.filename_id && *item.filename_id == *item.id) continue;
    const std::string key = claim_key_of(*item.id, item.product_root);
    if (dup_keys.count(key)) {
      plan.notes.push_back(item.path + ": its id " + item.id->display() +
                           " is claimed by several items; run 'kabsd-guard renumber " + item.id->display() +
                           "' first");
      continue;
    }
    RenumberMove m;
    m.kind = RenumberMove::Kind::Rename;
    m.from = item.path;
    m.product_root = item.product_root;
    m.old_id = item.filename_id.value_or(*item.id);
    m.new_id = *item.id;
    m.uid = item.uid;
    m.identity = item.identity();
    plan.moves.push_back(std::move(m));
  }
  std::sort(plan.moves.begin(), plan.moves.end(),
            [](const RenumberMove& a, const RenumberMove& b) { return a.from < b.from; });
  return plan;
}

void load_files(RenumberPlan& plan, const Repo& repo, const std::string& workdir) {
  IndexPtr index = repo.index();
  for (RenumberMove& m : plan.moves) {
    const std::string full = path_join(workdir, m.from);
    std::ifstream in(full, std::ios::binary);
    if (!in) throw RenumberRefused("cannot read " + m.from + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    m.original = text.str();
    m.tracked = false;
    for (int stage = 0; stage <= 3 && !m.tracked; ++stage)
      m.tracked = git_index_get_bypath(index.get(), m.from.c_str(), stage) != nullptr;
    git_error_clear();
  }
}

}  // namespace kg
