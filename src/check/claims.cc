#include "check/claims.h"

#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <map>
#include <stdexcept>
#include <thread>
#include <utility>

#include "git/blob.h"
#include "git/packs.h"
#include "git/tree_view.h"
#include "model/layout.h"
#include "util/handoff.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

bool below(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

std::set<std::string> roots_of(const Config& config) {
  std::set<std::string> roots;
  for (const Product& p : config.products) roots.insert(p.root);
  return roots;
}

std::string raw(const git_oid& oid) {
  return std::string(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ);
}

git_oid from_raw(std::string_view bytes) {
  git_oid oid{};
  if (bytes.size() == GIT_OID_RAWSZ) git_oid_fromraw(&oid, reinterpret_cast<const unsigned char*>(bytes.data()));
  return oid;
}

constexpr std::string_view kConfigName = ".kano/backlog_config.toml";

// The first build streams: the tree's item files are listed compactly, then
// read in pack order (pack_read_order: most of a cold build is inflating
// blobs) and each row goes to the index as it is made. Nothing per item is
// held but its file name and blob id (issue 5: peak memory at 100,000 items).
struct Listing {
  struct File {
    uint32_t dir;    // index into `dirs`
    uint32_t chunk;  // the file name: names[chunk].substr(at, size)
    uint32_t at, size;
    uint16_t root;   // index into `roots`
    bool adr;
  };
  std::vector<std::string> roots;
  std::vector<ClaimRow> links;  // symlinks: not read, reported
  // Names in 1 MB chunks: a string doubling on the way holds up to three
  // times the names at its peak (8 MB at 100,000 items).
  std::vector<std::string> names;
  std::vector<std::string> dirs;
  std::vector<File> files;
  std::vector<git_oid> oids;  // files[k]'s blob is oids[k]

  void add(const FileEntry& e, uint16_t root, bool adr) {
    constexpr size_t kChunk = size_t{1} << 20;
    std::string_view dir = path_dirname(e.path), name = path_basename(e.path);
    if (dirs.empty() || dirs.back() != dir) dirs.emplace_back(dir);
    if (names.empty() || names.back().size() + name.size() > names.back().capacity())
      names.emplace_back().reserve(std::max(kChunk, name.size()));
    if (dirs.size() > UINT32_MAX || names.size() > UINT32_MAX || name.size() > UINT32_MAX)
      throw std::length_error("claim index: too many files");
    files.push_back({static_cast<uint32_t>(dirs.size() - 1), static_cast<uint32_t>(names.size() - 1),
                     static_cast<uint32_t>(names.back().size()), static_cast<uint32_t>(name.size()), root, adr});
    names.back() += name;
    oids.push_back(e.oid);
  }
  std::string path(const File& f) const {
    return path_join(dirs[f.dir], std::string_view(names[f.chunk]).substr(f.at, f.size));
  }
};

Listing list_items(const Repo& repo, const Tree& tree, const Config& config) {
  Listing out;
  const std::set<std::string> root_set = roots_of(config);
  out.roots.assign(root_set.begin(), root_set.end());
  if (out.roots.size() > UINT16_MAX) throw std::length_error("claim index: too many products");
  TreeView view(repo, tree);
  for (uint16_t r = 0; r < out.roots.size(); ++r)
    for (std::string_view sub : {"items", "decisions"})
      view.walk(path_join(out.roots[r], sub), is_excluded_dir, [&](const FileEntry& e) {
        Entry kind = classify(path_relative(e.path, out.roots[r]));
        if (kind == Entry::None) return;
        if (e.symlink) out.links.push_back(symlink_row(e.path, out.roots[r], e.oid));
        else out.add(e, r, kind == Entry::Adr);
      });
  return out;
}

// Two readers, each with its own half of the pack and its own PackReader
// (the Repo's ObjectStore lends each reading thread one; nothing else is
// shared but the hand-off), and SQLite's inserts on a third
// thread. The facts cache is not consulted: a first build finds it about
// empty, and its statements belong to one thread.
void build(ClaimIndex& index, const Repo& repo, BlobFacts& facts, const Tree& tree, const Config& config) {
  const Listing listed = list_items(repo, tree, config);
  index.begin_load();
  for (const ClaimRow& link : listed.links) index.load(link);
  constexpr size_t kBatch = 256;
  Handoff<ClaimRow> handoff(8);
  std::exception_ptr write_failed, read_failed, second_failed;
  std::thread writer([&] {
    try {
      while (auto batch = handoff.pop())
        for (const ClaimRow& row : *batch) index.load(row);
    } catch (...) {
      write_failed = std::current_exception();
      handoff.stop();
    }
  });
  fetch_missing(repo.raw(), listed.oids);  // a partial clone: one fetch, not one per blob
  const std::vector<size_t> order = pack_read_order(repo.objects().packs(), listed.oids);
  auto read = [&](size_t from, size_t to) {
    std::vector<ClaimRow> batch;
    for (size_t i = from; i < to; ++i) {
      const size_t k = order[i];
      const Listing::File& f = listed.files[k];
      const git_oid& oid = listed.oids[k];
      batch.push_back(claim_row(make_item(listed.path(f), listed.roots[f.root], f.adr, facts.read(oid)), oid));
      if (batch.size() == kBatch && !handoff.push(std::exchange(batch, {}))) return;
    }
    if (!batch.empty()) handoff.push(std::move(batch));
  };
  const size_t half = order.size() / 2;
  std::thread second([&] {
    try {
      read(half, order.size());
    } catch (...) {
      second_failed = std::current_exception();
      handoff.stop();
    }
  });
  try {
    read(0, half);
  } catch (...) {
    read_failed = std::current_exception();
    handoff.stop();
  }
  second.join();
  handoff.close();
  writer.join();
  release_read_caches(repo);
  ::malloc_trim(0);  // what the threads' arenas hold now
  if (read_failed) std::rethrow_exception(read_failed);
  if (second_failed) std::rethrow_exception(second_failed);
  if (write_failed) std::rethrow_exception(write_failed);
  index.end_load();
}

void apply(ClaimIndex& index, BlobFacts& facts, const std::vector<Delta>& deltas, const Config& config) {
  for (const Delta& d : deltas) {
    auto where = place(config, d.path);
    if (!where) continue;
    index.remove(d.path);
    if (is_regular_file_mode(d.new_mode))
      index.put(claim_row(item_at(facts, *where, d.path, d.new_oid), d.new_oid));
    else if (d.new_mode == GIT_FILEMODE_LINK)
      index.put(symlink_row(d.path, where->root, d.new_oid));
  }
}

}  // namespace

std::optional<Placement> place(const Config& config, std::string_view path) {
  for (const std::string& root : roots_of(config)) {
    bool adr_dir = below(path, path_join(root, "decisions"));
    if (!adr_dir && !below(path, path_join(root, "items"))) continue;
    Entry kind = classify(path_relative(path, root));
    if (kind == Entry::None) return std::nullopt;
    return Placement{root, kind == Entry::Adr};
  }
  return std::nullopt;
}

std::optional<git_oid> blob_at(const Tree& tree, const std::string& path) {
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, tree.raw(), path.c_str()) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  TreeEntryPtr entry(e);
  return *git_tree_entry_id(entry.get());
}

std::vector<std::string> backlog_prefixes(const Config& config, const ScanOptions& scan) {
  std::set<std::string> out = roots_of(config);
  out.insert(path_join(config.base, kLegacyRoot));
  for (const std::string& dir : path_ancestors(scan.start_dir)) out.insert(path_join(dir, kConfigName));
  if (!config.path.empty()) out.insert(config.path);
  return {out.begin(), out.end()};
}

bool changes_layout(const Config& config, std::string_view path) {
  if (path == config.path || path_basename(path) == "backlog_config.toml") return true;
  std::set<std::string> roots = roots_of(config);
  std::string products = path_join(config.base, kProductsDir);
  if (below(path, products)) {
    std::string_view rest = std::string_view(path).substr(products.size() + 1);
    std::string_view name = rest.substr(0, rest.find('/'));
    if (name.size() == rest.size()) return false;  // a file in the products folder itself
    if (!is_excluded_dir(name) && !roots.count(path_join(products, name))) return true;
  }
  std::string legacy = path_join(config.base, kLegacyRoot);
  if (!roots.count(legacy) && (below(path, path_join(legacy, "items")) || below(path, path_join(legacy, "decisions"))))
    return true;
  return false;
}

std::string config_fingerprint(const Config& config) {
  std::string out = config.path + '\n' + config.base + '\n';
  for (const Product& p : config.products) {
    out += p.key + '\t' + p.root + '\t';
    out += p.prefix_from == Product::PrefixFrom::Config ? p.prefix : std::string("*");
    out += '\n';
  }
  return out;
}

bool same_layout(const Config& a, const Tree& tree_a, const Config& b, const Tree& tree_b, const ScanOptions& scan) {
  if (config_fingerprint(a) != config_fingerprint(b)) return false;
  if (scan.config_text || a.path.empty()) return true;
  auto in_a = blob_at(tree_a, a.path), in_b = blob_at(tree_b, b.path);
  return in_a && in_b && git_oid_equal(&*in_a, &*in_b);
}

bool same_layout(const Config& config, const Tree& head, const IndexFile& index, const ScanOptions& scan) {
  if (!scan.config_text && !config.path.empty()) {
    const IndexEntry* staged = index.find(config.path);
    auto at_head = blob_at(head, config.path);
    if (!staged || !at_head || !git_oid_equal(&staged->oid, &*at_head)) return false;
  }
  for (const Product& p : config.products)
    if (index.below(p.root).empty()) return false;  // a product going away
  return true;
}

BlobFacts::BlobFacts(const Repo& repo, FactsCache* cache) : repo_(repo), cache_(cache), odb_(repo.odb()) {}

FileFacts BlobFacts::read(const git_oid& oid) const {
  return facts_of(read_blob_prefix(repo_, odb_.get(), oid, kMaxFrontmatterRead));
}

FileFacts BlobFacts::get(const git_oid& oid) {
  std::string key = raw(oid);
  if (cache_)
    if (auto f = cache_->blob(key)) return *f;
  FileFacts f = read(oid);
  if (cache_) cache_->put_blob(key, f);
  return f;
}

Item item_at(BlobFacts& facts, const Placement& where, const std::string& path, const git_oid& oid) {
  return make_item(path, where.root, where.adr, facts.get(oid));
}

ClaimRow claim_row(const Item& item, const git_oid& oid) {
  ClaimRow r;
  r.path = item.path;
  r.oid = raw(oid);
  r.root = item.product_root;
  r.kind = item.adr ? ClaimRow::kDecision : ClaimRow::kItem;
  r.claim = item.claims.key;
  r.uid = item.claims.uid;
  r.prefix = item.claims.claimed_prefix();
  for (const ClaimedId& c : item.claims.ids) {
    const bool adr = c.id.type == TypeCode::Adr;
    r.numbers.push_back({adr ? "@" + item.product_root : c.id.prefix, std::string(type_code(c.id.type)), c.id.number,
                         static_cast<int>(c.source)});
  }
  r.report = !item.findings.empty();
  return r;
}

ClaimRow symlink_row(const std::string& path, const std::string& root, const git_oid& oid) {
  ClaimRow r;
  r.path = path;
  r.oid = raw(oid);
  r.root = root;
  r.kind = ClaimRow::kSymlink;
  r.report = true;
  return r;
}

std::vector<Item> items_of(const std::vector<ClaimRow>& rows, BlobFacts& facts) {
  std::vector<Item> out;
  out.reserve(rows.size());
  for (const ClaimRow& r : rows)
    if (r.kind != ClaimRow::kSymlink)
      out.push_back(make_item(r.path, r.root, r.kind == ClaimRow::kDecision, facts.get(from_raw(r.oid))));
  std::sort(out.begin(), out.end(), [](const Item& a, const Item& b) { return a.path < b.path; });
  return out;
}

std::optional<ClaimSnapshot> snapshot_at(const Repo& repo, const ScanOptions& scan, BlobFacts& facts, const Tree& tree,
                                    const Config& config) {
  std::unique_ptr<ClaimIndex> index = scan.cache ? ClaimIndex::open(repo.common_dir()) : nullptr;
  if (!index) return std::nullopt;
  const std::string fingerprint = config_fingerprint(config);
  const std::string want = tree.hex() + '\n' + fingerprint;
  try {
    std::string have = index->state();
    if (have == want) return ClaimSnapshot{std::move(index), tree, config};
    size_t nl = have.find('\n');
    git_oid old{};
    git_tree* old_tree = nullptr;
    if (nl != std::string::npos && have.compare(nl + 1, std::string::npos, fingerprint) == 0 &&
        git_oid_fromstrn(&old, have.data(), nl) == 0 && git_tree_lookup(&old_tree, repo.raw(), &old) == 0) {
      std::optional<Tree> from{Tree(TreePtr(old_tree))};
      apply(*index, facts, tree_delta(repo, from, tree, backlog_prefixes(config, scan)), config);
    } else {
      git_error_clear();
      build(*index, repo, facts, tree, config);
    }
    index->set_state(want);
  } catch (const std::exception&) {
    // Unreadable objects and the like: leave an empty snapshot; the caller
    // scans and reports what is wrong.
    try {
      index->clear();
    } catch (const std::exception&) {
    }
    return std::nullopt;
  }
  return ClaimSnapshot{std::move(index), tree, config};
}

std::map<std::string, std::string> prefix_by_root(const Config& config, const PrefixCounts& counts) {
  Config c = config;
  resolve_prefixes(c, counts);
  std::map<std::string, std::string> out;
  for (const Product& p : c.products) out[p.root] = p.prefix;
  return out;
}

void add_raw_highest(Highest& out, const std::map<std::pair<std::string, std::string>, int64_t>& raw,
                     const std::map<std::string, std::string>& prefixes) {
  for (const auto& [key, n] : raw) {
    SequenceKey k = key;
    if (key.second == "ADR" && !key.first.empty() && key.first[0] == '@') {
      auto it = prefixes.find(key.first.substr(1));
      if (it == prefixes.end()) continue;
      k = {it->second, "ADR"};
    }
    int64_t& v = out[k];
    if (n > v) v = n;
  }
}

}  // namespace kg
