#include "model/config.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>
// toml++ asserts on some invalid input in debug builds (`[#x]`) where a
// release build reports a parse error, and with clang a release build turns
// the same check into an assumption (undefined behaviour when false): let
// every build check nothing there and report the parse error. Its macros
// are set up by its preprocessor header, included once.
#ifndef NDEBUG
#define TOML_ASSERT(expr) static_assert(true)
#endif
#include <toml++/impl/preprocessor.h>
#undef TOML_ASSUME
#define TOML_ASSUME(...) static_assert(true)
#include <toml++/toml.h>

#include "model/layout.h"
#include "model/toml_ascii.h"
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

// A path written in the config, resolved against `base` (repository-
// relative); nullopt when it is absolute or leaves the repository.
std::optional<std::string> confined(std::string_view base, std::string_view written) {
  if ((!written.empty() && written.front() == '/') || written.find('\0') != std::string_view::npos)
    return std::nullopt;
  std::string p = path_join(base, written);
  if (p == ".." || p.rfind("../", 0) == 0) return std::nullopt;
  return p;
}

// Whether a product key may become part of a file name: no separators, no
// control characters, not hidden, not empty; UTF-8 letters are fine.
bool safe_key(std::string_view key) {
  if (key.empty() || key.size() > 200 || key.front() == '.' || !is_utf8(key)) return false;
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' ||
        c == '<' || c == '>' || c == '|')
      return false;
  }
  return true;
}

std::string unsafe_key_reason(const std::string& key) {
  return "the product key " + quote_path(key) +
         " cannot name a file (a path separator, a control character or a leading '.'): the product has no "
         "sequence database, and reserve and sync refuse it";
}

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

struct ConfigReader {
  Config& config;

  void warn(int line, std::string message) {
    config.findings.push_back({"invalid-config", Severity::Warning, config.path, line, std::move(message)});
  }
  static int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

  // The string at `key` of `t`; a value of another type is reported
  // (naming `what`) and read as absent.
  std::optional<std::string> text(const toml::table& t, std::string_view key, const std::string& what) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (auto v = n->value<std::string>()) return *v;
    warn(line_of(*n), what + " is " + type_name(*n) + ", not a string; ignored");
    return std::nullopt;
  }

  // A configured path, confined to the repository (issue 15).
  std::optional<std::string> path(const toml::table& t, std::string_view key, const std::string& what,
                                  std::string_view base, const std::string& instead) {
    std::optional<std::string> written = text(t, key, what);
    if (!written) return std::nullopt;
    if (std::optional<std::string> p = confined(base, *written)) return p;
    warn(line_of(*t.get(key)), what + " '" + *written + "' is absolute or leaves the repository; " + instead);
    return std::nullopt;
  }
};

}  // namespace

std::string Product::db_path() const {
  if (!db_refused.empty()) return {};
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

namespace {

// Refuses what toml++ is not to see (issue 15): over 1 MiB, invalid UTF-8
// (an unreachable branch in it), control characters but tab and line ends,
// non-ASCII outside strings. The ASCII text to parse, or nullopt (warned).
std::optional<std::string> text_for_toml(std::string_view toml_text, ConfigReader& r) {
  if (toml_text.size() > kMaxConfigBytes) {
    r.warn(0, "the config is larger than the limit of 1 MiB; ignored");
    return std::nullopt;
  }
  if (!is_utf8(toml_text)) {
    r.warn(0, "the config is not valid UTF-8; ignored");
    return std::nullopt;
  }
  int line = 1;
  for (char c : toml_text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') ++line;
    if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F) {
      r.warn(line, "the config holds a control character (byte " + std::to_string(u) + "); ignored");
      return std::nullopt;
    }
  }
  AsciiToml ascii = ascii_toml(toml_text);
  if (!ascii.ok) {
    r.warn(ascii.error_line, ascii.error);
    return std::nullopt;
  }
  return std::move(ascii.text);
}

// The product `[products.<key>]` describes, or nullopt when it cannot be read
// (warned).
std::optional<Product> read_product(const Config& config, std::string_view key, const toml::table& t,
                                    ConfigReader& r) {
  Product p;
  p.key = std::string(key);
  const std::string what = "product " + quote_path(p.key) + ": ";
  p.configured = true;
  p.name = r.text(t, "name", what + "name").value_or(p.key);
  std::optional<std::string> root;
  if (t.contains("backlog_root")) {
    root = r.path(t, "backlog_root", what + "backlog_root", config.base, "the product is not read");
    if (!root) return std::nullopt;
  } else if (safe_key(p.key)) {
    root = path_join(config.base, std::string(kProductsDir) + "/" + p.key);
  } else {
    r.warn(ConfigReader::line_of(t), "product " + quote_path(p.key) +
                                         " has no backlog_root and a key that cannot name a folder; "
                                         "the product is not read");
    return std::nullopt;
  }
  p.root = *root;
  p.cache_root = config.cache_root;
  if (t.contains("cache_root"))
    if (auto c = r.path(t, "cache_root", what + "cache_root", "", "the shared cache root is used"))
      p.cache_root = *c;
  if (!safe_key(p.key)) {
    p.db_refused = unsafe_key_reason(p.key);
    r.warn(ConfigReader::line_of(t), p.db_refused);
  }
  std::string prefix = to_upper(r.text(t, "prefix", what + "prefix").value_or(std::string()));
  if (!prefix.empty()) {
    if (valid_prefix(prefix)) {
      p.prefix = prefix;
      p.prefix_from = Product::PrefixFrom::Config;
    } else {
      r.warn(ConfigReader::line_of(*t.get("prefix")),
             what + "prefix '" + prefix + "' is not letters and digits; ignored");
    }
  }
  return p;
}

}  // namespace

Config parse_config(std::string_view toml_text, std::string config_path, std::string base) {
  Config config;
  config.path = std::move(config_path);
  config.base = std::move(base);
  ConfigReader r{config};
  std::optional<std::string> ascii = text_for_toml(toml_text, r);
  if (!ascii) return config;
  toml::table tbl;
  try {
    tbl = toml::parse(*ascii, config.path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << "cannot parse the config: " << e.description();
    r.warn(static_cast<int>(e.source().begin.line), msg.str());
    return config;
  }
  if (const toml::table* defaults = tbl["defaults"].as_table())
    config.default_product = r.text(*defaults, "default_product", "[defaults] default_product").value_or("");
  if (const toml::table* cache = tbl["shared"]["cache"].as_table())
    if (auto root = r.path(*cache, "root", "[shared.cache] root", "", "the default .kano/cache/backlog is used"))
      config.cache_root = *root;
  if (const toml::table* products = tbl["products"].as_table()) {
    for (const auto& [key, node] : *products)
      if (const toml::table* t = node.as_table())
        if (auto p = read_product(config, key.str(), *t, r)) config.products.push_back(std::move(*p));
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
    if (!safe_key(p.key)) {
      p.db_refused = unsafe_key_reason(p.key);
      config.findings.push_back({"invalid-config", Severity::Warning, p.root, 0, p.db_refused});
    }
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
    std::string prefix = item.claims.claimed_prefix();
    if (!prefix.empty()) counts[item.product_root][prefix]++;
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
