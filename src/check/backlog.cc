#include "check/backlog.h"

#include <algorithm>
#include <set>

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

void read_items(const View& view, const Config& config, Backlog& out) {
  std::set<std::string> roots;
  for (const Product& p : config.products) roots.insert(p.root);
  std::set<std::string> seen;
  for (const std::string& root : roots) {
    for (std::string_view sub : {"items", "decisions"}) {
      view.walk(path_join(root, sub), is_excluded_dir, [&](const FileEntry& e) {
        Entry kind = classify(path_relative(e.path, root));
        if (kind == Entry::None || !seen.insert(e.path).second) return;
        if (e.symlink) {
          out.findings.push_back({"symlink", Severity::Warning, e.path, 0,
                                  "is a symbolic link; not read (items must be regular files)"});
          return;
        }
        std::string content;
        try {
          content = view.read_prefix(e, kMaxRead);
        } catch (const std::exception& ex) {
          out.findings.push_back({"unreadable", Severity::Warning, e.path, 0,
                                  std::string("cannot read: ") + ex.what()});
          return;
        }
        out.items.push_back(read_item(e.path, root, kind == Entry::Adr, content));
      });
    }
  }
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

Backlog scan_backlog(const View& view, const ScanOptions& options) {
  Backlog out;
  out.config = find_config(view, options);
  std::string products_dir = path_join(out.config.base, kProductsDir);
  std::vector<std::string> product_dirs;
  for (const std::string& name : view.list_dirs(products_dir))
    if (!is_excluded_dir(name)) product_dirs.push_back(path_join(products_dir, name));
  std::string legacy = path_join(out.config.base, kLegacyRoot);
  bool legacy_root = view.is_dir(path_join(legacy, "items")) || view.is_dir(path_join(legacy, "decisions"));
  add_discovered_products(out.config, product_dirs, legacy_root);
  read_items(view, out.config, out);
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
