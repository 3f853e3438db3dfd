#include "model/config.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>
#include <toml++/toml.h>

#include "model/layout.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

bool valid_prefix(std::string_view p) {
  if (p.empty()) return false;
  for (char c : p)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

bool is_vowel(char c) {
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

}  // namespace

std::string Product::db_path() const {
  return path_join(cache_root, "backlog." + key + ".chunks.v1.db");
}

const Product* Config::find(std::string_view key) const {
  for (const Product& p : products)
    if (p.key == key) return &p;
  return nullptr;
}

const Product* Config::product_for_path(std::string_view path) const {
  const Product* best = nullptr;
  for (const Product& p : products)
    if (path_within(path, p.root) && (!best || p.root.size() > best->root.size())) best = &p;
  return best;
}

std::string derive_prefix(std::string_view key) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : key) {
    if (c == '-' || c == '_' || c == ' ') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  if (parts.size() >= 2) return to_upper(std::string{parts[0][0], parts[1][0]});
  if (parts.size() == 1 && parts[0].size() >= 2) {
    const std::string& w = parts[0];
    for (size_t i = 1; i < w.size(); ++i)
      if (std::isalpha(static_cast<unsigned char>(w[i])) && !is_vowel(w[i]))
        return to_upper(std::string{w[0], w[i]});
  }
  return "XX";
}

Config parse_config(std::string_view toml_text, std::string config_path, std::string base) {
  Config config;
  config.path = std::move(config_path);
  config.base = std::move(base);
  toml::table tbl;
  try {
    tbl = toml::parse(toml_text, config.path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << "cannot parse the config: " << e.description();
    config.findings.push_back({"invalid-config", Severity::Warning, config.path,
                               static_cast<int>(e.source().begin.line), msg.str()});
    return config;
  }
  config.default_product = tbl["defaults"]["default_product"].value_or(std::string());
  if (auto root = tbl["shared"]["cache"]["root"].value<std::string>())
    config.cache_root = path_normalize(*root);

  if (const toml::table* products = tbl["products"].as_table()) {
    for (const auto& [key, node] : *products) {
      const toml::table* t = node.as_table();
      if (!t) continue;
      Product p;
      p.key = std::string(key.str());
      p.configured = true;
      p.name = (*t)["name"].value_or(p.key);
      p.root = path_join(config.base, (*t)["backlog_root"].value_or(
                                          std::string(kProductsDir) + "/" + p.key));
      p.cache_root = path_normalize((*t)["cache_root"].value_or(config.cache_root));
      std::string prefix = to_upper((*t)["prefix"].value_or(std::string()));
      if (!prefix.empty()) {
        if (valid_prefix(prefix)) {
          p.prefix = prefix;
          p.prefix_from = Product::PrefixFrom::Config;
        } else {
          int line = static_cast<int>((*t)["prefix"].node()->source().begin.line);
          config.findings.push_back({"invalid-config", Severity::Warning, config.path, line,
                                     "product " + p.key + ": prefix '" + prefix +
                                         "' is not letters and digits; ignored"});
        }
      }
      config.products.push_back(std::move(p));
    }
  }
  return config;
}

void add_discovered_products(Config& config, const std::vector<std::string>& product_dirs,
                             bool legacy_root) {
  auto known = [&](std::string_view root) {
    return std::any_of(config.products.begin(), config.products.end(),
                       [&](const Product& p) { return p.root == root; });
  };
  auto add = [&](std::string root, std::string key) {
    if (known(root)) return;
    Product p;
    p.key = std::move(key);
    p.name = p.key;
    p.root = std::move(root);
    p.cache_root = config.cache_root;
    config.products.push_back(std::move(p));
  };
  for (const std::string& dir : product_dirs) add(path_normalize(dir), std::string(path_basename(dir)));
  if (legacy_root) {
    std::string key = config.products.empty() ? "backlog" : "legacy";
    add(path_join(config.base, kLegacyRoot), key);
  }
  std::sort(config.products.begin(), config.products.end(),
            [](const Product& a, const Product& b) { return a.key < b.key; });
}

void resolve_prefixes(Config& config, const std::vector<Item>& items) {
  // Count the prefixes the items of each product carry.
  PrefixCounts counts;  // root -> prefix -> n
  for (const Item& item : items) {
    const auto& id = item.claimed_id();
    if (!id || id->type == TypeCode::Adr) continue;
    counts[item.product_root][id->prefix]++;
  }
  resolve_prefixes(config, counts);
}

void resolve_prefixes(Config& config, const PrefixCounts& counts) {
  static const std::map<std::string, int64_t> none;
  for (Product& p : config.products) {
    auto found = counts.find(p.root);
    const auto& seen = found == counts.end() ? none : found->second;
    if (p.prefix_from != Product::PrefixFrom::Config) {
      std::string best;
      int64_t best_n = 0;
      for (const auto& [prefix, n] : seen)  // map order: ties go alphabetical
        if (n > best_n) best = prefix, best_n = n;
      if (!best.empty()) {
        p.prefix = best;
        p.prefix_from = Product::PrefixFrom::Items;
      } else {
        p.prefix = derive_prefix(p.key);
        p.prefix_from = Product::PrefixFrom::Key;
      }
    }
    for (const auto& [prefix, n] : seen) {
      if (prefix == p.prefix || n <= 0) continue;
      config.findings.push_back(
          {"prefix-mismatch", Severity::Warning, p.root, 0,
           std::to_string(n) + " item(s) of product " + p.key + " carry prefix " + prefix +
               ", not the product's " + p.prefix + "; their numbers are respected as they are"});
    }
  }
}

}  // namespace kg
