// The project configuration `.kano/backlog_config.toml` and the products it
// names, plus the products found on disk that it does not (contract
// section 1). Paths are repository-relative, '/'-separated, "" for the root.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/finding.h"
#include "model/item.h"

namespace kg {

struct Product {
  enum class PrefixFrom { Config, Items, Key };

  std::string key;
  std::string name;
  std::string prefix;  // upper case
  PrefixFrom prefix_from = PrefixFrom::Key;
  std::string root;        // product root
  std::string cache_root;  // repository-relative, inside the repository
  bool configured = false; // listed in the config file
  // Why the key cannot name the database file ("" when it can): it is
  // repository content, and becomes a file name only through a strict set
  // of characters (issue 15).
  std::string db_refused;

  // `<cache root>/backlog.<key>.chunks.v1.db`; "" when db_refused.
  std::string db_path() const;
};

struct Config {
  std::string path;        // of the config file, "" when none was found
  std::string base;        // the folder holding `.kano/`
  std::string cache_root = ".kano/cache/backlog";
  std::string default_product;  // [defaults] default_product, "" when unset
  std::vector<Product> products;
  std::vector<Finding> findings;  // config problems, prefix mismatches

  const Product* find(std::string_view key) const;
  // The product whose root holds `path` (the longest matching root).
  const Product* product_for_path(std::string_view path) const;
};

// A config file larger than this is not read.
inline constexpr size_t kMaxConfigBytes = size_t{1} << 20;

// Parses the TOML text of a config found at `config_path` (repo-relative),
// whose `.kano` folder sits in `base`. A syntax error becomes a finding and an
// empty product list; it never throws. Every path it names (backlog_root,
// cache_root, [shared.cache] root) must stay inside the repository: an
// absolute one or one that leaves it is reported (invalid-config) and not
// used. A value of the wrong type is reported and read as absent; text that
// is not UTF-8, or over kMaxConfigBytes, is not parsed.
Config parse_config(std::string_view toml_text, std::string config_path, std::string base);

// Adds the products found on disk that the config does not list:
// `product_dirs` are repo-relative folders found under
// `_kano/backlog/products/` (their key is the folder name) and, when
// `legacy_root` is true, the single-product root `_kano/backlog` itself.
void add_discovered_products(Config& config, const std::vector<std::string>& product_dirs,
                             bool legacy_root);

// The Python tool's derivation: "kano-agent-backlog-skill" -> "KA",
// "demo" -> "DM", otherwise "XX".
std::string derive_prefix(std::string_view key);

// After a scan: a product without a configured prefix takes the prefix most
// of its items carry (ties: alphabetical), else the derived one. Items whose
// prefix differs from their product's add a `prefix-mismatch` warning to
// `config.findings` (one per product and foreign prefix).
void resolve_prefixes(Config& config, const std::vector<Item>& items);
// The same from counts already made: product root -> prefix -> items.
using PrefixCounts = std::map<std::string, std::map<std::string, int64_t>>;
void resolve_prefixes(Config& config, const PrefixCounts& counts);

}  // namespace kg
