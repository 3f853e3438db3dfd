#include "model/frontmatter_limits.h"

#include <gtest/gtest.h>

#include "model/frontmatter.h"
#include "model/item.h"

namespace kg {

namespace {

const char* kUid = "019a2b3c-4d5e-7f00-8abc-0123456789ab";
const char* kPath = "p/items/task/0000/KABSD-TSK-0001_x.md";

// Nine levels of nine aliases under a list-valued key: 9^9 nodes when
// followed, 2 KB when written.
std::string alias_bomb(const std::string& key = "links") {
  std::string y = "m0: &m0 [KABSD-TSK-0001, KABSD-TSK-0002]\n";
  for (int i = 1; i <= 9; ++i) {
    std::string prev = "*m" + std::to_string(i - 1);
    y += "m" + std::to_string(i) + ": &m" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) y += (k ? ", " : "") + prev;
    y += "]\n";
  }
  return y + key + ": *m9\n";
}

bool has(const Item& item, const std::string& kind) {
  for (const Finding& f : item.findings)
    if (f.kind == kind) return true;
  return false;
}

}  // namespace

TEST(ModelFrontmatterLimits, AnAliasBombIsCutShortAndTheClaimsStay) {
  const std::string text = std::string("---\nid: KABSD-TSK-0001\nuid: ") + kUid + "\n" + alias_bomb() + "---\n";
  Frontmatter fm = parse_frontmatter(text);
  EXPECT_EQ(fm.status, Frontmatter::Status::Ok);
  EXPECT_NE(fm.limit.find("10000 YAML nodes"), std::string::npos) << fm.limit;
  EXPECT_TRUE(fm.refs.empty());
  Item item = read_item(kPath, "p", false, text);
  EXPECT_EQ(item.claim_key(), "KABSD-TSK-0001");
  EXPECT_EQ(item.uid, kUid);
  EXPECT_TRUE(has(item, "frontmatter-limit"));
  // Under the claiming keys as well, through merge keys: bounded.
  const std::string merged = std::string("---\n") + alias_bomb("<<") + "id: KABSD-TSK-0001\n---\n";
  EXPECT_EQ(read_item(kPath, "p", false, merged).claim_key(), "KABSD-TSK-0001");
}

TEST(ModelFrontmatterLimits, DeepNestingIsNotParsed) {
  for (const std::string& deep : {std::string(5000, '[') + std::string(5000, ']'),
                                  "x: " + std::string(200, '{'),
                                  [] {
                                    std::string s;
                                    for (int i = 0; i < 150; ++i) s += std::string(size_t(i), ' ') + "- a:\n";
                                    return s;
                                  }(),
                                  "x:\n" + [] {
                                    std::string s;
                                    for (int i = 0; i < 120; ++i) s += "- ";
                                    return s + "a\n";
                                  }()}) {
    const std::string text = std::string("---\nid: 'KABSD-TSK-0001'\nuid: ") + kUid + "\nlinks: " + deep + "\n---\n";
    Frontmatter fm = parse_frontmatter(text);
    EXPECT_EQ(fm.status, Frontmatter::Status::Limit);
    EXPECT_NE(fm.error.find("nests deeper than the limit of 100 levels"), std::string::npos) << fm.error;
    EXPECT_GE(fm.error_line, 4);
    Item item = read_item(kPath, "p", false, text);
    EXPECT_EQ(item.claim_key(), "KABSD-TSK-0001");
    EXPECT_EQ(item.uid, kUid);
    EXPECT_FALSE(item.parsed);
    EXPECT_TRUE(has(item, "frontmatter-limit"));
    EXPECT_FALSE(has(item, "unparseable-frontmatter"));
  }
  // Ordinary nesting and brackets in quotes are within.
  EXPECT_FALSE(check_limits("links:\n  relates:\n    - [a, b]\ntitle: \"[[[[\"\n", 2));
}

TEST(ModelFrontmatterLimits, LongLinesAndLongFrontmatters) {
  const std::string line = "title: " + std::string(70000, 'x') + "\n";
  Frontmatter fm = parse_frontmatter("---\nid: KABSD-TSK-0001\n" + line + "---\n");
  EXPECT_EQ(fm.status, Frontmatter::Status::Limit);
  EXPECT_NE(fm.error.find("longer than the limit of 65,536 bytes"), std::string::npos) << fm.error;
  EXPECT_EQ(fm.id, "KABSD-TSK-0001");

  std::string huge = "---\nid: KABSD-TSK-0001\nuid: x\nid: KABSD-TSK-0002\n";
  while (huge.size() < kMaxFrontmatterRead + 10) huge += "k: " + std::string(100, 'v') + "\n";
  fm = parse_frontmatter(huge.substr(0, kMaxFrontmatterRead));  // as read: a prefix
  EXPECT_EQ(fm.status, Frontmatter::Status::Limit);
  EXPECT_NE(fm.error.find("longer than the limit of 1 MiB"), std::string::npos) << fm.error;
  EXPECT_EQ(fm.id, "KABSD-TSK-0002");  // the last, as PyYAML
  EXPECT_EQ(fm.uid, "x");
}

TEST(ModelFrontmatterLimits, ScanClaimsReadsTopLevelKeysOnly) {
  ScannedClaims c = scan_claims("title: t\n  id: nested\n\"id\": 'A-TSK-0001' # c\nuid: ~\nidx: no\n", 2);
  EXPECT_TRUE(c.has_id_key);
  EXPECT_EQ(c.id, "A-TSK-0001");
  EXPECT_EQ(c.id_line, 4);
  EXPECT_FALSE(c.uid);
  c = scan_claims("id: A-TSK-0002  # comment\nuid: 'it''s'\n", 2);
  EXPECT_EQ(c.id, "A-TSK-0002");
  EXPECT_EQ(c.uid, "it's");
}

}  // namespace kg
