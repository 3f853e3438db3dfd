#include "check/backlog.h"

#include <algorithm>
#include <set>

#include "git/status_view.h"
#include "git/workdir_view.h"
#include "model/layout.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

constexpr std::string_view kConfigFile = ".kano/backlog_config.toml";
// Frontmatter sits at the top; a file larger than this is read only this far.
constexpr size_t kMaxRead = 1 << 20;

std::vector<std::string> walk_up(std::string_view start) {
  std::vector<std::string> dirs;
  std::string d = path_normalize(start);
  for (;;) {
    dirs.push_back(d);
    if (d.empty()) break;
    d = std::string(path_dirname(d));
  }
  return dirs;
}

std::string oid_bytes(const git_oid& oid) {
  return std::string(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ);
}

bool has_oid(const FileEntry& e) { return !git_oid_is_zero(&e.oid); }

// What the file says: from the cache by blob id when it can, else read and
// parsed (and remembered).
FileFacts facts_for(const View& view, const FileEntry& e, FactsCache* cache) {
  if (cache && has_oid(e)) {
    if (auto f = cache->blob(oid_bytes(e.oid))) return *f;
  }
  FileFacts f = facts_of(view.read_prefix(e, kMaxRead));
  if (cache && has_oid(e)) cache->put_blob(oid_bytes(e.oid), f);
  return f;
}

class ItemReader {
 public:
  ItemReader(const View& view, FactsCache* cache, const ScanFilter* filter, Backlog& out)
      : view_(view), cache_(cache), filter_(filter), out_(out) {}

  // Every item below `root`/`sub`, from the tree cache when the folder is a
  // git tree whose result is known.
  void read_folder(const std::string& root, std::string_view sub) {
    std::string dir = path_join(root, sub);
    std::optional<git_oid> tree = cache_ ? view_.tree_id(dir) : std::nullopt;
    if (tree) {
      if (auto entries = cache_->tree(oid_bytes(*tree))) {
        for (const CachedEntry& e : *entries) add(path_join(dir, e.rel), root, e.symlink, e.facts);
        return;
      }
    }
    std::vector<CachedEntry> listed;
    const bool paths_only = filter_ && filter_->keys.empty() && filter_->uids.empty();
    if (paths_only) tree.reset();  // a partial listing is not cached
    view_.walk(dir, is_excluded_dir, [&](const FileEntry& e) {
      if (paths_only && !filter_->paths.count(e.path)) return;
      if (classify(path_relative(e.path, root)) == Entry::None) return;
      CachedEntry c;
      c.rel = std::string(path_relative(e.path, dir));
      c.symlink = e.symlink;
      if (!e.symlink) {
        try {
          c.facts = facts_for(view_, e, cache_);
        } catch (const std::exception& ex) {
          out_.findings.push_back({"unreadable", Severity::Warning, e.path, 0,
                                   std::string("cannot read: ") + ex.what()});
          tree.reset();  // an incomplete listing is not cached
          return;
        }
      }
      if (has_oid(e)) c.oid = oid_bytes(e.oid);
      add(e.path, root, c.symlink, c.facts);
      if (tree) listed.push_back(std::move(c));
    });
    if (tree) cache_->put_tree(oid_bytes(*tree), listed);
  }

 private:
  void add(const std::string& path, const std::string& root, bool symlink, const FileFacts& facts) {
    if (!seen_.insert(path).second) return;
    if (symlink) {
      out_.findings.push_back({"symlink", Severity::Warning, path, 0,
                               "is a symbolic link; not read (items must be regular files)"});
      return;
    }
    if (filter_ && !relevant(path, root, facts)) return;
    Entry kind = classify(path_relative(path, root));
    out_.items.push_back(make_item(path, root, kind == Entry::Adr, facts));
  }

  // Whether the filter wants this file: cheaper than building the item.
  bool relevant(const std::string& path, const std::string& root, const FileFacts& facts) const {
    if (filter_->paths.count(path)) return true;
    if (facts.uid && !filter_->uids.empty() && filter_->uids.count(to_lower(trim(*facts.uid)))) return true;
    std::optional<ItemId> id = facts.parsed && facts.id ? parse_id(*facts.id) : std::nullopt;
    if (!id) id = parse_filename_id(path_basename(path));
    return id && filter_->keys.count(claim_key_of(*id, root));
  }

  const View& view_;
  FactsCache* cache_;
  const ScanFilter* filter_;
  Backlog& out_;
  std::set<std::string> seen_;
};

void read_items(const View& view, const Config& config, const ScanOptions& options, Backlog& out) {
  std::set<std::string> roots;
  for (const Product& p : config.products) roots.insert(p.root);
  ItemReader reader(view, options.cache, options.filter, out);
  for (const std::string& root : roots)
    for (std::string_view sub : {"items", "decisions"}) reader.read_folder(root, sub);
  std::sort(out.items.begin(), out.items.end(),
            [](const Item& a, const Item& b) { return a.path < b.path; });
}

}  // namespace

Config find_config(const View& view, const ScanOptions& options) {
  if (options.config_text)
    return parse_config(*options.config_text, options.config_path, options.config_base);
  for (const std::string& dir : walk_up(options.start_dir)) {
    std::string path = path_join(dir, kConfigFile);
    if (auto text = view.read(path)) return parse_config(*text, path, dir);
  }
  // No config: the backlog folder's parent is the base.
  Config config;
  for (const std::string& dir : walk_up(options.start_dir)) {
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
  WorkdirView files(repo.workdir());
  Backlog out = load_products(files, options);
  if (!out.has_backlog()) return out;
  std::vector<std::string> roots;
  for (const Product& p : out.config.products) roots.push_back(p.root);
  StatusView status(repo, roots);
  read_items(status, out.config, options, out);
  resolve_prefixes(out.config, out.items);
  return out;
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
