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
  // An absolute cache_root is repository content naming a place outside
  // it: refused, with a finding, and the shared root used (issue 15).
  EXPECT_EQ(c.find("other")->db_path(), ".kano/cache/backlog/backlog.other.chunks.v1.db");
  ASSERT_EQ(c.findings.size(), 1u);
  EXPECT_NE(c.findings[0].message.find("cache_root '/tmp/cache' is absolute or leaves the repository"),
            std::string::npos)
      << c.findings[0].message;
  EXPECT_EQ(c.product_for_path("custom/place/items/x.md"), c.find("other"));
}

// Nothing the config says may lead outside the repository (issue 15).
TEST(ModelConfig, PathsStayInsideTheRepository) {
  Config c = parse_config(R"(
[shared.cache]
root = "../../outside"
[products."../../../../elsewhere/x"]
backlog_root = "_kano/backlog/products/x"
[products.etc]
backlog_root = "../../etc"
[products.abs]
backlog_root = "/etc"
[products.fine]
backlog_root = "sub/../_kano/backlog/products/fine"
cache_root = "sub/../../.."
[products.typed]
prefix = 42
name = ["x"]
)", ".kano/backlog_config.toml", "");
  EXPECT_EQ(c.cache_root, ".kano/cache/backlog");
  EXPECT_FALSE(c.find("etc"));
  EXPECT_FALSE(c.find("abs"));
  const Product* evil = c.find("../../../../elsewhere/x");
  ASSERT_TRUE(evil);
  EXPECT_EQ(evil->db_path(), "");
  EXPECT_FALSE(evil->db_refused.empty());
  const Product* fine = c.find("fine");
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->root, "_kano/backlog/products/fine");
  EXPECT_EQ(fine->db_path(), ".kano/cache/backlog/backlog.fine.chunks.v1.db");
  const Product* typed = c.find("typed");
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->name, "typed");
  EXPECT_NE(typed->prefix_from, Product::PrefixFrom::Config);
  std::string all;
  for (const Finding& f : c.findings) all += f.message + "\n";
  for (const char* want : {"[shared.cache] root '../../outside'", "backlog_root '../../etc'", "backlog_root '/etc'",
                           "cache_root 'sub/../../..'", "cannot name a file", "prefix is an integer, not a string",
                           "name is an array, not a string"})
    EXPECT_NE(all.find(want), std::string::npos) << want << " in\n" << all;
}

TEST(ModelConfig, TextThatIsNotUtf8IsNotParsed) {
  for (const std::string& bad : {std::string("[products.p]\nname = \"\xC3\x28\"\n"), std::string("x = \"\xED\xA0\x80\"\n"),
                                 std::string("[#x]\n\xFF"), std::string(size_t(2) << 20, 'a'),
                                 std::string("x = \"a\x01b\"\n"), std::string("[#x]\n")}) {
    Config c = parse_config(bad, ".kano/backlog_config.toml", "");
    ASSERT_EQ(c.findings.size(), 1u);
    EXPECT_EQ(c.findings[0].kind, "invalid-config");
    EXPECT_TRUE(c.products.empty());
  }
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
  for (Item& item : items) settle_claims(item);
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
  settle_claims(items[0]);
  resolve_prefixes(c, items);
  EXPECT_EQ(c.products[0].prefix, "NEW");
  ASSERT_EQ(c.findings.size(), 1u);
  EXPECT_NE(c.findings[0].message.find("OLD"), std::string::npos);
}

}  // namespace kg

namespace kg {

// toml++ is given ASCII only (model/toml_ascii.h): the meaning of valid TOML
// stays, the rest is refused before toml++ can reach undefined behaviour.
TEST(ModelConfig, NonAsciiTextKeepsItsMeaning) {
  Config c = parse_config(
      "# caf\xC3\xA9 \xC7\xA4\n[products.\"caf\xC3\xA9\"]\nname = 'D\xC3\xA9mo \"q\" \\ x'\nprefix = \"DM\"\n"
      "[products.b]\nname = \"\xF0\x9F\x98\x80 \\\"y\\\"\"\n",
      ".kano/backlog_config.toml", "");
  ASSERT_TRUE(c.findings.empty()) << c.findings[0].message;
  const Product* p = c.find("caf\xC3\xA9");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "D\xC3\xA9mo \"q\" \\ x");
  ASSERT_TRUE(c.find("b"));
  EXPECT_EQ(c.find("b")->name, "\xF0\x9F\x98\x80 \"y\"");
  for (const std::string bad : {"\xC7\xA4/pr\n", "[products.caf\xC3\xA9]\n", "x = '''\xC3\xA9'''\n",
                                "x = \"\\\xC3\xA9\"\n"}) {
    Config b = parse_config(bad, ".kano/backlog_config.toml", "");
    ASSERT_EQ(b.findings.size(), 1u) << bad;
    EXPECT_NE(b.findings[0].message.find("not ASCII"), std::string::npos) << b.findings[0].message;
  }
}

}  // namespace kg
