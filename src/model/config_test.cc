#include "model/config.h"

#include <gtest/gtest.h>

namespace kg {

TEST(ModelConfig, DerivePrefix) {
  EXPECT_EQ(derive_prefix("kano-agent-backlog-skill"), "KA");
  EXPECT_EQ(derive_prefix("demo"), "DM");
  EXPECT_EQ(derive_prefix("my_product"), "MP");
  EXPECT_EQ(derive_prefix("a"), "XX");
  EXPECT_EQ(derive_prefix("aeiou"), "XX");
}

TEST(ModelConfig, Parses) {
  Config c = parse_config(R"(
[defaults]
default_product = "kano"
[shared.cache]
root = ".kano/cache/backlog"
[products.kano]
name = "Kano"
prefix = "kabsd"
backlog_root = "_kano/backlog/products/kano"
[products.other]
prefix = "OTH"
backlog_root = "./custom/place/"
cache_root = "/tmp/cache"
)", ".kano/backlog_config.toml", "");
  ASSERT_EQ(c.products.size(), 2u);
  const Product* k = c.find("kano");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->prefix, "KABSD");
  EXPECT_EQ(k->root, "_kano/backlog/products/kano");
  EXPECT_EQ(k->db_path(), ".kano/cache/backlog/backlog.kano.chunks.v1.db");
  EXPECT_EQ(c.find("other")->root, "custom/place");
  EXPECT_EQ(c.default_product, "kano");
  EXPECT_EQ(c.find("other")->db_path(), "/tmp/cache/backlog.other.chunks.v1.db");
  EXPECT_EQ(c.product_for_path("custom/place/items/x.md"), c.find("other"));
}

TEST(ModelConfig, RelativeToKanoFolder) {
  Config c = parse_config("[products.p]\nbacklog_root = \"_kano/backlog/products/p\"\n",
                          "sub/.kano/backlog_config.toml", "sub");
  EXPECT_EQ(c.products[0].root, "sub/_kano/backlog/products/p");
}

TEST(ModelConfig, SyntaxErrorIsAFinding) {
  Config c = parse_config("[products.p\nprefix = 1\n", ".kano/backlog_config.toml", "");
  ASSERT_EQ(c.findings.size(), 1u);
  EXPECT_EQ(c.findings[0].kind, "invalid-config");
  EXPECT_EQ(c.findings[0].line, 1);
  EXPECT_TRUE(c.products.empty());
}

TEST(ModelConfig, DiscoveredAndPrefixFromItems) {
  Config c = parse_config("", "", "");
  add_discovered_products(c, {"_kano/backlog/products/demo"}, true);
  ASSERT_EQ(c.products.size(), 2u);
  std::vector<Item> items(3);
  items[0].product_root = items[1].product_root = items[2].product_root = "_kano/backlog/products/demo";
  items[0].id = ItemId{"DEMO", TypeCode::Task, 1};
  items[1].id = ItemId{"DEMO", TypeCode::Task, 2};
  items[2].id = ItemId{"OLD", TypeCode::Task, 3};
  resolve_prefixes(c, items);
  const Product* demo = c.find("demo");
  EXPECT_EQ(demo->prefix, "DEMO");
  EXPECT_EQ(demo->prefix_from, Product::PrefixFrom::Items);
  const Product* legacy = c.product_for_path("_kano/backlog/items/x.md");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->prefix, derive_prefix(legacy->key));
  ASSERT_EQ(c.findings.size(), 1u);
  EXPECT_EQ(c.findings[0].kind, "prefix-mismatch");
}

TEST(ModelConfig, ConfiguredPrefixWinsAndWarns) {
  Config c = parse_config("[products.p]\nprefix = \"NEW\"\n", ".kano/backlog_config.toml", "");
  std::vector<Item> items(1);
  items[0].product_root = "_kano/backlog/products/p";
  items[0].id = ItemId{"OLD", TypeCode::Bug, 1};
  resolve_prefixes(c, items);
  EXPECT_EQ(c.products[0].prefix, "NEW");
  ASSERT_EQ(c.findings.size(), 1u);
  EXPECT_NE(c.findings[0].message.find("OLD"), std::string::npos);
}

}  // namespace kg
