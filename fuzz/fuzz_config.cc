// The TOML config (.kano/backlog_config.toml) through parse_config(), then
// the calls a scan makes on the result: discovered products, prefix
// resolution, product lookup by key and by path.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  kg::Config config = kg::parse_config(text, ".kano/backlog_config.toml", "");
  kg::add_discovered_products(config, {"_kano/backlog/products/demo", "_kano/backlog/products/kano"}, true);
  kg::PrefixCounts counts;
  for (const kg::Product& p : config.products) counts[p.root]["KABSD"] = 2;
  kg::resolve_prefixes(config, counts);
  for (const kg::Product& p : config.products) {
    (void)p.db_path();
    (void)config.find(p.key);
    (void)config.product_for_path(p.root + "/items/task/0000/KABSD-TSK-0001_x.md");
  }
  (void)config.find(config.default_product);
  return 0;
}
