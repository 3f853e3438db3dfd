// Every quirk of contract section 7: none crashes, each yields a finding
// naming the file (and the line for YAML errors).
#include "model/item.h"

#include <gtest/gtest.h>

#include "model/frontmatter.h"

namespace kg {

namespace {

const char* kUid = "019a2b3c-4d5e-7f00-8abc-0123456789ab";

Item read(const std::string& text, std::string path = "p/items/task/0000/KABSD-TSK-0001_x.md") {
  return read_item(path, "p", false, text);
}

bool has(const Item& item, std::string_view kind) {
  for (const auto& f : item.findings)
    if (f.kind == kind) {
      EXPECT_EQ(f.path, item.path);
      return true;
    }
  return false;
}

}  // namespace

TEST(ModelItem, Plain) {
  Item item = read(std::string("---\nid: KABSD-TSK-0001\nuid: ") + kUid +
                   "\ntitle: x\n---\n\n# Worklog\n");
  EXPECT_TRUE(item.parsed);
  EXPECT_EQ(item.id->display(), "KABSD-TSK-0001");
  EXPECT_TRUE(item.uid_valid);
  EXPECT_TRUE(item.findings.empty());
  EXPECT_EQ(item.claim_key(), "KABSD-TSK-0001");
  EXPECT_EQ(item.identity(), std::string("uid:") + kUid);
}

TEST(ModelItem, NullId) {
  Item item = read(std::string("---\nid: null\nuid: ") + kUid + "\n---\n");
  EXPECT_TRUE(has(item, "missing-id"));
  EXPECT_EQ(item.claim_key(), "KABSD-TSK-0001");  // the filename's ID still counts
}

TEST(ModelItem, MissingUidIsPathIdentity) {
  Item item = read("---\nid: KABSD-TSK-0001\n---\n");
  EXPECT_TRUE(has(item, "missing-uid"));
  EXPECT_EQ(item.identity(), "path:" + item.path);
}

TEST(ModelItem, NotUuid7) {
  for (const char* uid : {"6f1c2a54-3b1e-4a8e-9b1a-2d3c4e5f6a7b", "not-hex-at-all-zz",
                          "00000000-0000-0000-0000-000000000000"}) {
    Item item = read(std::string("---\nid: KABSD-TSK-0001\nuid: ") + uid + "\n---\n");
    EXPECT_TRUE(has(item, "invalid-uid")) << uid;
    EXPECT_FALSE(item.uid_valid);
  }
}

TEST(ModelItem, OwnerNoneDatesTitlesExtraKeys) {
  Item item = read(std::string("---\nid: KABSD-TSK-0001\nuid: ") + kUid +
                   "\nowner: None\ncreated: 2025-01-02\nupdated: '2025-01-03'\n"
                   "title: \"Fix: the 'quoted' thing\"\nweird_extra: {a: 1}\n---\nbody\n");
  EXPECT_TRUE(item.findings.empty());
  EXPECT_EQ(item.id->number, 1);
}

TEST(ModelItem, NoTrailingNewlineCrlfBom) {
  std::string text = std::string("\xEF\xBB\xBF---\r\nid: KABSD-TSK-0001\r\nuid: ") + kUid +
                     "\r\ntitle: x\r\n---\r\nbody without newline";
  Item item = read(text);
  EXPECT_TRUE(item.findings.empty());
  EXPECT_EQ(item.uid, kUid);
  Frontmatter fm = parse_frontmatter(text);
  EXPECT_EQ(text.substr(fm.id_value_begin, fm.id_value_end - fm.id_value_begin), "KABSD-TSK-0001");
}

TEST(ModelItem, SortedKeysIdNotFirst) {
  Item item = read(std::string("---\narea: x\ncreated: 2025-01-01\nid: KABSD-TSK-0001\ntitle: t\nuid: ") +
                   kUid + "\n---\n");
  EXPECT_TRUE(item.findings.empty());
}

TEST(ModelItem, InvalidYamlNamesLine) {
  Item item = read("---\nid: KABSD-TSK-0001\ntitle: [unclosed\nstate: x: y\n---\n");
  ASSERT_TRUE(has(item, "unparseable-frontmatter"));
  EXPECT_GE(item.findings[0].line, 2);
  EXPECT_FALSE(item.parsed);
  EXPECT_EQ(item.claim_key(), "KABSD-TSK-0001");  // falls back to the filename ID
}

TEST(ModelItem, NoFrontmatterUnterminatedBinary) {
  EXPECT_TRUE(has(read("---\nid: KABSD-TSK-0001\n"), "unparseable-frontmatter"));
  EXPECT_TRUE(has(read(std::string("---\nid: x\0\n---\n", 15)), "unparseable-frontmatter"));
}

// Documents are not items (issue 12): no frontmatter, no claim; the
// filename number stays in use.
TEST(ModelItem, AFileWithoutFrontmatterIsADocument) {
  for (std::string content : {std::string("# Architecture guide\n"), std::string(),
                              std::string("\xEF\xBB\xBF# guide\r\n"), std::string("x\0y", 3),
                              std::string("title: not a fence\n---\n")}) {
    Item doc = read(content, "p/items/task/0000/KABSD-TSK-0096_ARCHITECTURE_GUIDE.md");
    EXPECT_TRUE(doc.document);
    EXPECT_FALSE(doc.claimed_id());
    EXPECT_EQ(doc.claim_key(), "");
    ASSERT_TRUE(doc.filename_id);
    EXPECT_EQ(doc.filename_id->number, 96);
    ASSERT_EQ(doc.findings.size(), 1u);
    EXPECT_EQ(doc.findings[0].kind, "not-an-item");
    EXPECT_NE(doc.findings[0].message.find("KABSD-TSK-0096"), std::string::npos) << doc.findings[0].message;
    EXPECT_NE(doc.findings[0].message.find("artifacts/"), std::string::npos);
  }
  // A frontmatter without an id stays an item claiming its filename ID.
  Item item = read("---\ntitle: x\n---\n", "p/items/task/0000/KABSD-TSK-0096_x.md");
  EXPECT_FALSE(item.document);
  EXPECT_TRUE(has(item, "missing-id"));
  EXPECT_EQ(item.claim_key(), "KABSD-TSK-0096");
}

// The Python tool's reading wins (issue 12): a repeated key's last value,
// merge keys applied, each reported as ambiguous-key.
TEST(ModelItem, RepeatedAndMergedKeysReadAsPyYaml) {
  Item twice = read(std::string("---\nid: KABSD-TSK-0002\ntitle: t\nid: KABSD-TSK-0001\nuid: ") + kUid + "\n---\n");
  EXPECT_EQ(twice.claim_key(), "KABSD-TSK-0001");
  ASSERT_TRUE(has(twice, "ambiguous-key"));
  for (const Finding& f : twice.findings)
    if (f.kind == "ambiguous-key") {
      EXPECT_NE(f.message.find("KABSD-TSK-0002, then KABSD-TSK-0001"), std::string::npos) << f.message;
      EXPECT_EQ(f.line, 4);
    }
  Item merged = read(std::string("---\nbase: &b\n  id: KABSD-TSK-0001\n  uid: ") + kUid +
                     "\n<<: *b\ntitle: t\n---\n");
  EXPECT_EQ(merged.claim_key(), "KABSD-TSK-0001");
  EXPECT_EQ(merged.uid, kUid);
  EXPECT_TRUE(has(merged, "ambiguous-key"));
  // A key written in the mapping itself wins over a merged one.
  Item own = read("---\nbase: &b {id: KABSD-TSK-0007}\n<<: *b\nid: KABSD-TSK-0001\n---\n");
  EXPECT_EQ(own.claim_key(), "KABSD-TSK-0001");
  EXPECT_TRUE(has(own, "ambiguous-key"));
  // A quoted "<<" is an ordinary key.
  Item quoted = read("---\nbase: &b {id: KABSD-TSK-0007}\n\"<<\": *b\n---\n");
  EXPECT_TRUE(has(quoted, "missing-id"));
  EXPECT_FALSE(has(quoted, "ambiguous-key"));
}

TEST(ModelItem, FrontmatterNotAMapping) {
  EXPECT_TRUE(has(read("---\n- a\n- b\n---\n"), "unparseable-frontmatter"));
  EXPECT_TRUE(has(read("---\n---\n"), "missing-id"));
}

TEST(ModelItem, IdFilenameMismatch) {
  Item item = read(std::string("---\nid: KABSD-TSK-0009\nuid: ") + kUid + "\n---\n",
                   "p/items/task/0000/KABSD-TSK-0005_x.md");
  EXPECT_TRUE(has(item, "id-filename-mismatch"));
  EXPECT_EQ(item.claim_key(), "KABSD-TSK-0009");
  EXPECT_EQ(item.filename_id->number, 5);
}

TEST(ModelItem, CanonicalIdCase) {
  Item item = read(std::string("---\nid: kabsd-tsk-1\nuid: ") + kUid + "\n---\n");
  EXPECT_TRUE(item.findings.empty());
}

TEST(ModelItem, ForeignPrefixAndInvalidId) {
  Item foreign = read(std::string("---\nid: OTHER-TSK-0001\nuid: ") + kUid + "\n---\n",
                      "p/items/task/0000/OTHER-TSK-0001_x.md");
  EXPECT_EQ(foreign.claim_key(), "OTHER-TSK-0001");
  EXPECT_TRUE(has(read(std::string("---\nid: TBD\nuid: ") + kUid + "\n---\n"), "invalid-id"));
}

TEST(ModelItem, AdrClaimIsPerProduct) {
  Item a = read_item("p/decisions/ADR-0001_x.md", "p", true, "---\nid: ADR-0001\n---\n");
  Item b = read_item("q/decisions/ADR-0001_x.md", "q", true, "---\nid: ADR-0001\n---\n");
  EXPECT_NE(a.claim_key(), b.claim_key());
}

TEST(ModelFrontmatter, RefsWithLines) {
  Frontmatter fm = parse_frontmatter(
      "---\nid: A-TSK-0002\nparent: A-FTR-0001\nlinks:\n  blocks:\n    - A-TSK-0003\n  relates: []\n"
      "decisions: [ADR-0001]\n---\n");
  ASSERT_EQ(fm.status, Frontmatter::Status::Ok);
  ASSERT_EQ(fm.refs.size(), 3u);
  EXPECT_EQ(fm.refs[1].value, "A-TSK-0003");
  EXPECT_EQ(fm.refs[1].line, 6);
  EXPECT_EQ(fm.refs[2].field, "decisions");
  EXPECT_EQ(fm.refs[0].field, "parent");
  EXPECT_EQ(fm.refs[0].value, "A-FTR-0001");
  EXPECT_EQ(fm.refs[0].line, 3);
}

TEST(ModelFrontmatter, QuotedIdLocation) {
  std::string text = "---\ntitle: t\nid: \"A-TSK-0002\"  # the id\n---\n";
  Frontmatter fm = parse_frontmatter(text);
  EXPECT_EQ(text.substr(fm.id_value_begin, fm.id_value_end - fm.id_value_begin), "\"A-TSK-0002\"");
  EXPECT_EQ(fm.id_line, 3);
}

}  // namespace kg
