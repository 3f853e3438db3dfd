#include "check/backlog.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "git/blob.h"

#include "git/status_view.h"
#include "git/workdir_view.h"
#include "model/layout.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

constexpr std::string_view kConfigFile = ".kano/backlog_config.toml";

std::string oid_bytes(const git_oid& oid) {
  return std::string(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ);
}

bool has_oid(const git_oid& oid) { return !git_oid_is_zero(&oid); }

// Reads the items of a snapshot's item folders in three passes: list every
// folder (a folder tree the cache knows is not walked), work out the facts of
// every file the cache does not know, reading blobs in pack order
// (View::read_order: most of the cold cost is inflating packed blobs), then
// add the items folder by folder in listing order.
class ItemReader {
 public:
  ItemReader(const View& view, const ScanOptions& options, Backlog& out)
      : view_(view), cache_(options.cache), filter_(options.filter), out_(out) {}

  // Lists every item below `root`/`sub`, from the tree cache when the folder
  // is a git tree whose result is known.
  void list_folder(const std::string& root, std::string_view sub) {
    Folder& f = folders_.emplace_back();
    f.root = root;
    f.dir = path_join(root, sub);
    f.tree = cache_ ? view_.tree_id(f.dir) : std::nullopt;
    if (f.tree) {
      if (auto entries = cache_->tree(oid_bytes(*f.tree))) {
        f.cached = std::move(*entries);
        f.from_cache = true;
        return;
      }
    }
    const bool paths_only = filter_ && filter_->keys.empty() && filter_->uids.empty();
    if (paths_only) f.tree.reset();  // a partial listing is not cached
    view_.walk(f.dir, is_excluded_dir, [&](const FileEntry& e) {
      if (paths_only && !filter_->paths.count(e.path)) return;
      if (classify(path_relative(e.path, root)) == Entry::None) return;
      files_.push_back({e, folders_.size() - 1});
    });
  }

  // Facts for every listed file: from the cache by blob id when it can, else
  // read and parsed (and remembered).
  void read_facts() {
    facts_.resize(files_.size());  // exact: the listing is complete
    std::vector<size_t> to_read;
    for (size_t i = 0; i < files_.size(); ++i) {
      const File& file = files_[i];
      if (file.entry.symlink) continue;
      if (cache_ && has_oid(file.entry.oid)) {
        if (auto f = cache_->blob(oid_bytes(file.entry.oid))) {
          facts_[i] = std::move(*f);
          continue;
        }
      }
      to_read.push_back(i);
    }
    std::vector<git_oid> oids;
    oids.reserve(to_read.size());
    for (size_t i : to_read) oids.push_back(files_[i].entry.oid);
    // Pack order puts the files sharing a blob next to each other: such a
    // blob is read once (a loose one may be read again; same answer).
    std::optional<size_t> previous;
    for (size_t k : view_.read_order(oids)) {
      const size_t i = to_read[k];
      const File& file = files_[i];
      const bool keyed = has_oid(file.entry.oid);
      if (keyed && previous && git_oid_equal(&files_[*previous].entry.oid, &file.entry.oid)) {
        facts_[i] = facts_[*previous];
        if (auto e = errors_.find(*previous); e != errors_.end()) errors_[i] = e->second;
        continue;
      }
      try {
        facts_[i] = facts_of(view_.read_prefix(file.entry, kMaxFrontmatterRead));
        if (cache_ && keyed) cache_->put_blob(oid_bytes(file.entry.oid), facts_[i]);
      } catch (const std::exception& ex) {
        errors_[i] = std::string("cannot read: ") + ex.what();
      }
      previous = i;
    }
  }

  // Adds the items in listing order, and caches each folder tree read whole.
  void add_all() {
    // Reserved once (unless filtered: then few are kept): a vector doubling
    // on the way holds twice the items at its peak (100,000 items: ~50 MB).
    if (!filter_) {
      size_t total = files_.size();
      for (const Folder& f : folders_) total += f.cached.size();
      out_.items.reserve(out_.items.size() + total);
    }
    size_t next = 0;
    for (size_t fi = 0; fi < folders_.size(); ++fi) {
      Folder& f = folders_[fi];
      if (f.from_cache) {
        for (const CachedEntry& e : f.cached) add(path_join(f.dir, e.rel), f.root, e.symlink, e.facts);
        std::vector<CachedEntry>().swap(f.cached);
        continue;
      }
      std::vector<CachedEntry> listed;
      for (; next < files_.size() && files_[next].folder == fi; ++next) {
        const File& file = files_[next];
        if (auto e = errors_.find(next); e != errors_.end()) {
          add_unreadable(file.entry.path, f.root, e->second);
          f.tree.reset();  // an incomplete listing is not cached
          continue;
        }
        add(file.entry.path, f.root, file.entry.symlink, facts_[next]);
        if (!f.tree) continue;
        CachedEntry c;
        c.rel = std::string(path_relative(file.entry.path, f.dir));
        c.symlink = file.entry.symlink;
        if (has_oid(file.entry.oid)) c.oid = oid_bytes(file.entry.oid);
        c.facts = std::move(facts_[next]);
        listed.push_back(std::move(c));
      }
      if (f.tree) cache_->put_tree(oid_bytes(*f.tree), listed);
    }
  }

 private:
  struct Folder {
    std::string root, dir;
    std::optional<git_oid> tree;  // cacheable as this tree
    bool from_cache = false;
    std::vector<CachedEntry> cached;
  };
  struct File {
    FileEntry entry;
    size_t folder;
  };

  void add(const std::string& path, const std::string& root, bool symlink, const FileFacts& facts) {
    if (!seen_.insert(path).second) return;
    if (symlink) {
      out_.findings.push_back(symlink_finding(path));
      return;
    }
    if (filter_ && !relevant(path, root, facts)) return;
    Entry kind = classify(path_relative(path, root));
    out_.items.push_back(make_item(path, root, kind == Entry::Adr, facts));
  }

  // A file no engine could read: its file name still claims an ID, which
  // counts (the reservation floor, the duplicate rule).
  void add_unreadable(const std::string& path, const std::string& root, const std::string& why) {
    if (!seen_.insert(path).second) return;
    Item item = unreadable_item(path, root, classify(path_relative(path, root)) == Entry::Adr, why);
    if (filter_ && !filter_->paths.count(path) && !filter_->keys.count(item.claims.key)) return;
    out_.items.push_back(std::move(item));
  }

  // Whether the filter wants this file: cheaper than building the item.
  bool relevant(const std::string& path, const std::string& root, const FileFacts& facts) const {
    if (filter_->paths.count(path)) return true;
    if (facts.uid && !filter_->uids.empty() && filter_->uids.count(to_lower(trim(*facts.uid)))) return true;
    std::optional<ItemId> id = facts.claims_known() && facts.id ? parse_id(*facts.id) : std::nullopt;
    if (!id) id = parse_filename_id(path_basename(path));
    return id && filter_->keys.count(claim_key_of(*id, root));
  }

  const View& view_;
  FactsCache* cache_;
  const ScanFilter* filter_;
  Backlog& out_;
  std::vector<Folder> folders_;
  std::vector<File> files_;  // in listing order, folder by folder
  // By index into files_ (apart: files_ grows while listing, these do not).
  std::vector<FileFacts> facts_;
  std::map<size_t, std::string> errors_;  // why a file could not be read
  std::set<std::string> seen_;
};

void read_items(const View& view, const Config& config, const ScanOptions& options, Backlog& out) {
  std::set<std::string> roots;
  for (const Product& p : config.products) roots.insert(p.root);
  ItemReader reader(view, options, out);
  for (const std::string& root : roots)
    for (std::string_view sub : {"items", "decisions"}) reader.list_folder(root, sub);
  reader.read_facts();
  reader.add_all();
  std::set<std::string> told;
  for (const auto& [dir, why] : view.unreadable_dirs())
    if (told.insert(dir).second)
      out.findings.push_back({"unreadable", Severity::Warning, dir, 0,
                              "cannot list the folder (" + why + "): the files in it are not checked"});
  std::sort(out.items.begin(), out.items.end(),
            [](const Item& a, const Item& b) { return a.path < b.path; });
}

}  // namespace

Config find_config(const View& view, const ScanOptions& options) {
  if (options.config_text)
    return parse_config(*options.config_text, options.config_path, options.config_base);
  for (const std::string& dir : path_ancestors(options.start_dir)) {
    std::string path = path_join(dir, kConfigFile);
    if (auto text = view.read(path, kMaxConfigBytes + 1)) return parse_config(*text, path, dir);  // over: refused
  }
  // No config: the backlog folder's parent is the base.
  Config config;
  for (const std::string& dir : path_ancestors(options.start_dir)) {
    if (view.is_dir(path_join(dir, kLegacyRoot))) {
      config.base = dir;
      break;
    }
  }
  return config;
}

Backlog load_products(const View& view, const ScanOptions& options) {
  Backlog out;
  out.config = find_config(view, options);
  std::string products_dir = path_join(out.config.base, kProductsDir);
  std::vector<std::string> product_dirs;
  for (const std::string& name : view.list_dirs(products_dir))
    if (!is_excluded_dir(name)) product_dirs.push_back(path_join(products_dir, name));
  std::string legacy = path_join(out.config.base, kLegacyRoot);
  bool legacy_root = view.is_dir(path_join(legacy, "items")) || view.is_dir(path_join(legacy, "decisions"));
  add_discovered_products(out.config, product_dirs, legacy_root);
  return out;
}

Backlog scan_backlog(const View& view, const ScanOptions& options) {
  Backlog out = load_products(view, options);
  read_items(view, out.config, options, out);
  resolve_prefixes(out.config, out.items);
  return out;
}

Backlog scan_worktree(const Repo& repo, const ScanOptions& options) {
  // The config and the products as git sees the working tree: a sparse
  // checkout's skip-worktree files count, with their index content.
  StatusView status(repo, {});
  Backlog out = load_products(status, options);
  if (!out.has_backlog()) return out;
  std::vector<std::string> roots;
  for (const Product& p : out.config.products) roots.push_back(p.root);
  status.set_paths(roots);
  read_items(status, out.config, options, out);
  resolve_prefixes(out.config, out.items);
  return out;
}

Finding symlink_finding(const std::string& path) {
  return {"symlink", Severity::Warning, path, 0, "is a symbolic link; not read (items must be regular files)"};
}

std::vector<Finding> Backlog::all_findings() const {
  std::vector<Finding> all = config.findings;
  all.insert(all.end(), findings.begin(), findings.end());
  for (const Item& item : items) all.insert(all.end(), item.findings.begin(), item.findings.end());
  std::stable_sort(all.begin(), all.end(), [](const Finding& a, const Finding& b) {
    return a.path != b.path ? a.path < b.path : a.line < b.line;
  });
  return all;
}

}  // namespace kg
