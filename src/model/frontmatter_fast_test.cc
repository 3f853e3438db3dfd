// Differential tests of the frontmatter fast path against yaml-cpp: every
// input runs through parse_frontmatter() (fast path, yaml-cpp fallback),
// parse_frontmatter_yaml() (yaml-cpp only) and parse_frontmatter_fast_only()
// (fast path only). The first two must agree on every field; when the fast
// path accepts an input, yaml-cpp must have parsed it (Ok) to the same result.
#include "model/frontmatter_describe.h"
#include "model/frontmatter_fast.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kg {

namespace {

const char* kUid = "019a2b3c-4d5e-7f00-8abc-0123456789ab";

// Concatenation without `std::string + ...` chains (GCC 12 -Wrestrict).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

using fm_testing::describe;
using fm_testing::quote;

// Runs the three entry points on `content`; returns whether the fast path
// took it. Failures name `what`.
bool check_same(const std::string& content, const std::string& what) {
  const Frontmatter yaml = parse_frontmatter_yaml(content);
  const Frontmatter mixed = parse_frontmatter(content);
  const std::optional<Frontmatter> fast = parse_frontmatter_fast_only(content);
  const std::string want = describe(yaml);
  EXPECT_EQ(describe(mixed), want) << what << "\ninput: " << quote(content);
  if (!fast) return false;
  EXPECT_EQ(describe(*fast), want) << what << "\ninput: " << quote(content);
  if (yaml.status == Frontmatter::Status::Ok) {
    // Missing, Unterminated and Binary files never reach a YAML parser; any
    // other status means the fast path accepted what yaml-cpp refused.
    return true;
  }
  EXPECT_TRUE(yaml.status == Frontmatter::Status::Missing ||
              yaml.status == Frontmatter::Status::Unterminated ||
              yaml.status == Frontmatter::Status::Binary || yaml.status == Frontmatter::Status::Limit)
      << "the fast path accepted invalid YAML: " << what << "\ninput: " << quote(content);
  return false;  // no block was parsed: not a fast-path success
}

// Wraps a YAML block into a file.
std::string file(std::string_view block, std::string_view body = "\n# Body\n") {
  return cat({"---\n", block, "---\n", body});
}

std::string with_crlf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// A typical item as the Python tool writes it.
std::string item_block(std::string_view id = "KABSD-TSK-0028", std::string_view uid = kUid) {
  return cat({"id: ", id, "\nuid: ", uid,
              "\ntype: Task\ntitle: Migrate streaming slug builder\nstate: Planned\npriority: P0\n"
              "parent: KCCS-USR-0010\narea: storage\niteration: backlog\ntags: [tests]\n"
              "created: 2024-04-02\nupdated: 2024-09-01\nowner: copilot\nexternal:\n"
              "  azure_id: null\n  jira_key: null\nlinks:\n  relates: []\n  blocks: []\n"
              "  blocked_by: []\ndecisions: [ADR-0001]\n"});
}

}  // namespace

// Every frontmatter of item_test.cc.
TEST(ModelFrontmatterFast, ItemTestFrontmatters) {
  const std::string uid = kUid;
  std::vector<std::string> inputs = {
      cat({"---\nid: KABSD-TSK-0001\nuid: ", uid, "\ntitle: x\n---\n\n# Worklog\n"}),
      cat({"---\nid: null\nuid: ", uid, "\n---\n"}),
      "---\nid: KABSD-TSK-0001\n---\n",
      "---\nid: KABSD-TSK-0001\nuid: 6f1c2a54-3b1e-4a8e-9b1a-2d3c4e5f6a7b\n---\n",
      "---\nid: KABSD-TSK-0001\nuid: not-hex-at-all-zz\n---\n",
      "---\nid: KABSD-TSK-0001\nuid: 00000000-0000-0000-0000-000000000000\n---\n",
      cat({"---\nid: KABSD-TSK-0001\nuid: ", uid,
           "\nowner: None\ncreated: 2025-01-02\nupdated: '2025-01-03'\n"
           "title: \"Fix: the 'quoted' thing\"\nweird_extra: {a: 1}\n---\nbody\n"}),
      cat({"\xEF\xBB\xBF---\r\nid: KABSD-TSK-0001\r\nuid: ", uid,
           "\r\ntitle: x\r\n---\r\nbody without newline"}),
      cat({"---\narea: x\ncreated: 2025-01-01\nid: KABSD-TSK-0001\ntitle: t\nuid: ", uid, "\n---\n"}),
      "---\nid: KABSD-TSK-0001\ntitle: [unclosed\nstate: x: y\n---\n",
      "# just a heading\n",
      "---\nid: KABSD-TSK-0001\n",
      std::string("---\nid: x\0\n---\n", 15),
      "",
      "---\n- a\n- b\n---\n",
      "---\n---\n",
      cat({"---\nid: KABSD-TSK-0009\nuid: ", uid, "\n---\n"}),
      cat({"---\nid: kabsd-tsk-1\nuid: ", uid, "\n---\n"}),
      cat({"---\nid: OTHER-TSK-0001\nuid: ", uid, "\n---\n"}),
      cat({"---\nid: TBD\nuid: ", uid, "\n---\n"}),
      "---\nid: ADR-0001\n---\n",
      "---\nid: A-TSK-0002\nparent: A-FTR-0001\nlinks:\n  blocks:\n    - A-TSK-0003\n  relates: []\n"
      "decisions: [ADR-0001]\n---\n",
      "---\ntitle: t\nid: \"A-TSK-0002\"  # the id\n---\n",
  };
  int fast = 0;
  for (size_t i = 0; i < inputs.size(); ++i) fast += check_same(inputs[i], cat({"item_test #", std::to_string(i)}));
  EXPECT_GE(fast, 15);
}

// Hand-written cases: contract section 7 quirks and the edges of the subset.
// `fast` is whether the fast path must take the input.
TEST(ModelFrontmatterFast, TrickyCases) {
  struct Case {
    const char* name;
    std::string content;
    bool fast;
  };
  const std::string item = item_block();
  const std::string adr = cat({"id: ADR-0001\nuid: ", kUid,
                               "\ntitle: \"Use legacy frontmatter parser on Windows\"\nstatus: Accepted\n"
                               "date: 2024-02-26\nrelated_items: [KABSD-TSK-0001, KCCS-USR-0002]\n"
                               "supersedes: null\n"});
  const std::vector<Case> cases = {
      // Section 7 quirks.
      {"typical item", file(item), true},
      {"adr", file(adr), true},
      {"id null", file("id: null\ntitle: t\n"), true},
      {"id Null", file("id: Null\n"), true},
      {"id NULL", file("id: NULL\n"), true},
      {"id tilde", file("id: ~\n"), true},
      {"id empty", file("id:\ntitle: t\n"), true},
      {"id empty at end", file("title: t\nid:\n"), true},
      {"id empty comment", file("id: # nothing yet\ntitle: t\n"), true},
      {"id nULL is a string", file("id: nULL\n"), true},
      {"id quoted null", file("id: 'null'\nuid: \"~\"\n"), true},
      {"id empty quoted", file("id: ''\nuid: \"\"\n"), true},
      {"id sequence", file("id: [A-TSK-0001]\n"), true},
      {"id single quoted with quote", file("title: t\nid:   'A''B'  # c\n"), true},
      {"id double quoted with comment", file("id: \"A-TSK-0001\"# c\n"), false},
      {"id trailing spaces", with_crlf(file("id: A-TSK-0001   \n")), true},
      {"id block sequence", file("id:\n- A-TSK-0001\n"), true},
      {"id mapping", file("id:\n  x: A-TSK-0001\n"), true},
      {"missing uid", file("id: KABSD-TSK-0001\ntitle: t\n"), true},
      {"uid v4", file(item_block("KABSD-TSK-0001", "6f1c2a54-3b1e-4a8e-9b1a-2d3c4e5f6a7b")), true},
      {"uid non-hex", file(item_block("KABSD-TSK-0001", "kabsd-bug-0123-uid")), true},
      {"uid zero", file(item_block("KABSD-TSK-0001", "00000000-0000-0000-0000-000000000004")), true},
      {"uid null", file("id: A-TSK-0001\nuid: null\n"), true},
      {"owner None", file("id: A-TSK-0001\nowner: None\n"), true},
      {"dates", file("created: 2024-03-22\nupdated: '2024-03-22'\ndate: \"2024-03-23\"\n"), true},
      {"title colon double quoted", file("title: \"Fix: the 'quoted' thing\"\n"), true},
      {"title colon single quoted", file("title: 'Bug: can''t harden copilot''s cache'\n"), true},
      {"title only quotes", file("title: ''''''\n"), true},
      {"title plain with quotes", file("title: can't \"do\" it\n"), true},
      {"title colon no space", file("title: foo:bar http://x.y/z a:b\n"), true},
      {"title hash no space", file("title: C# and F#\n"), true},
      {"title brackets inside", file("title: a [b] {c}, d & e * f ! g | h > i % j @ k\n"), true},
      {"title trailing spaces", file("title: x   \n"), true},
      {"title quoted spaces", file("title: '  x  '\ntype: \"  y  \"\n"), true},
      {"title quoted hash", file("title: 'a # b'   # comment\n"), true},
      {"title unicode", file("title: Caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80\xC2\xA0\n"), true},
      {"title null", file("title: null\ntype: ~\n"), true},
      {"title sequence", file("title: [a, b]\ntype: {}\n"), true},
      {"title colon plain (invalid)", file("id: A-TSK-0001\ntitle: Fix: broken: x\n"), false},
      {"title trailing colon", file("title: foo:\n"), false},
      {"no trailing newline", cat({"---\n", item, "---\nbody"}), true},
      {"file ends at fence", cat({"---\n", item, "---"}), true},
      {"crlf", with_crlf(file(item)), true},
      {"bom", cat({"\xEF\xBB\xBF", file(item)}), true},
      {"bom crlf", cat({"\xEF\xBB\xBF", with_crlf(file(adr))}), true},
      {"index page", file("type: Index\ntitle: \"Index: Add canonical search index in CI\"\nupdated: 2024-05-06\n"),
       true},
      {"extra keys", file(cat({item, "estimate: 7\nx_reviewed_by: jonas\nlegacy_ref: T-59394\n"})), true},
      {"foreign prefix", file(item_block("KA-TSK-0001")), true},
      {"noncanonical id", file(item_block("KABSD-TSK-60")), true},
      {"sorted keys",
       file("area: release\ncreated: 2024-05-03\ndecisions: []\nexternal:\n  azure_id: null\n  jira_key: null\n"
            "id: KABSD-BUG-0058\niteration: null\nlinks:\n  relates: []\n  blocks: []\n  blocked_by: []\n"
            "owner: null\nparent: KABSD-FTR-0003\npriority: P0\nstate: Proposed\ntags: []\n"
            "title: Implement portable trash folder\ntype: Bug\nuid: 018f3cba-37e6-74f4-9a8e-3554d985c684\n"),
       true},
      {"invalid yaml", file("id: KABSD-TSK-0001\ntitle: [unclosed\nstate: x: y\n"), false},
      {"empty block", "---\n---\n", false},
      {"comments only", file("# nothing\n\n"), false},
      {"not a mapping", file("- a\n- b\n"), false},
      {"plain text", file("just some text\n"), false},
      // Refs: nesting, order, lines, nulls, empties.
      {"refs nested", file("id: A-TSK-0002\nparent: A-FTR-0001\nlinks:\n  blocks:\n    - A-TSK-0003\n"
                           "  relates: []\n  x: A-TSK-9\n  y:\n  - A-TSK-7\n  - 'A-TSK-8'\n"
                           "decisions: [ADR-0001, \"ADR-0002\", 'ADR-0003']\n"),
       true},
      {"refs out of order",
       file("related_items: [R1]\ndecisions:\n  - D1\n  - D2\nlinks: [L1]\nparent: P1\nid: X\n"), true},
      {"refs nulls and empties", file("parent: ''\nlinks:\n  a: null\n  b: ~\n  c:\n  d: ''\n"
                                      "decisions: [null, ~, '', \"\", D1, Null]\n"),
       true},
      {"refs spaces in flow", file("decisions: [ a b , c,d ]\nrelated_items: [ ]\n"), true},
      {"refs compact at top", file("decisions:\n- D1\n# between\n\n- 'D2'\n- \"D3\"\nid: X\n"), true},
      {"refs quoted flow with comment", file("decisions: ['a, b', \"c]\"]  # c\n"), true},
      {"refs unicode flow", file("decisions: [\xC3\xA9\xC2\xA0 , b\xC2\xA0]\n"), true},
      {"refs flow dash start", file("decisions: [-a]\n"), false},
      {"refs flow question", file("decisions: [a?b]\n"), false},
      {"refs flow colon", file("decisions: [a:b]\n"), false},
      {"refs flow trailing comma", file("decisions: [a, b,]\n"), false},
      {"refs flow empty item", file("decisions: [a,,b]\n"), false},
      {"refs flow nested", file("decisions: [[a]]\n"), false},
      {"refs flow map item", file("decisions: [{a: b}]\n"), false},
      {"refs flow comment no space", file("decisions: [a]#c\n"), false},
      {"refs multi-line flow", file("decisions: [a,\n  b]\n"), false},
      {"refs block null item", file("decisions:\n  -\n  - a\n"), false},
      {"refs block nested seq", file("decisions:\n  - - a\n"), false},
      {"refs block map item", file("decisions:\n  - a: b\n"), false},
      {"refs block flow item", file("decisions:\n  - [a]\n"), false},
      {"refs block bad indent", file("decisions:\n  - a\n   - b\n"), false},
      {"refs block bad dedent", file("decisions:\n    - a\n  - b\n"), false},
      {"refs block continuation", file("decisions:\n  - a\n    b\n"), false},
      {"refs block item comment", file("decisions:\n  - a # c\n"), false},
      {"refs block quoted item comment", file("decisions:\n  - 'a' # c\n"), true},
      // Comments and blank lines.
      {"comments", file("# head\nid: A-1 \n  # indented comment\n\n   \ntitle: 'x'  # c\nlinks:  # c\n"
                        "  # c\n  a: [b]  # c\n\n  c:\n      # odd\n    - d\n# tail\n"),
       true},
      {"plain with comment", file("title: x # c\n"), false},
      {"plain with hash after space", file("title: C #1\n"), false},
      // Declined constructs.
      {"tab indentation", file("links:\n\tblocks: []\n"), false},
      {"tab in value", file("title: a\tb\n"), false},
      {"deeper mapping", file("links:\n  a:\n    b: c\n"), false},
      {"nested map in seq", file("links:\n  - a: b\n"), false},
      {"literal block", file("title: |\n  text\n"), false},
      {"folded block", file("title: >-\n  text\n"), false},
      {"anchor", file("parent: &p A-1\n"), false},
      {"alias", file("parent: &p A-1\ndecisions: [*p]\n"), false},
      {"tag", file("id: !!str 123\n"), false},
      {"local tag", file("id: !x y\n"), false},
      {"indicator at", file("title: @x\n"), false},
      {"indicator percent", file("title: %x\n"), false},
      {"indicator backquote", file("title: `x`\n"), false},
      {"indicator dash", file("title: -1\n"), false},
      {"indicator question", file("title: ?x\n"), false},
      {"indicator colon", file("title: :x\n"), false},
      {"indicator comma", file("title: ,x\n"), false},
      {"indicator close", file("title: ]x\n"), false},
      {"double quoted escape", file("title: \"a\\\"b\"\n"), false},
      {"double quoted backslash", file("title: \"a\\\\b\"\n"), false},
      {"double quoted unicode escape", file("title: \"caf\\u00e9\"\n"), false},
      {"single quoted unterminated", file("title: 'abc\n"), false},
      {"single quoted multi-line", file("title: 'abc\n  def'\n"), false},
      {"quoted then text", file("title: 'a'b\n"), false},
      {"quoted then comment no space", file("title: 'a'#c\n"), false},
      {"quoted then colon", file("'a': b\n"), false},
      {"duplicate key", file("id: A-1\nid: A-2\n"), false},
      {"duplicate nested key", file("links:\n  a: []\n  a: []\n"), false},
      // Where PyYAML and yaml-cpp read differently (issue 12): the fast
      // path declines, the yaml-cpp path reads as PyYAML does.
      {"repeated id", file("id: A-TSK-0002\ntitle: t\nid: A-TSK-0001\n"), false},
      {"repeated uid", file("id: A-TSK-0001\nuid: x\nuid: y\n"), false},
      {"repeated quoted id", file("id: A-TSK-0002\n\"id\": A-TSK-0001\n"), false},
      {"merge key", file("base: &b\n  id: A-TSK-0001\n<<: *b\n"), false},
      {"merge key list", file("a: &a {id: A-TSK-0001}\nb: &b {id: A-TSK-0002}\n<<: [*a, *b]\n"), false},
      {"merge key under own id", file("a: &a {uid: x}\n<<: *a\nid: A-TSK-0001\n"), false},
      {"document end", file("id: A-1\n...\n"), false},
      {"document start with text", file("id: A-1\n--- x\n"), false},
      {"directive", file("%YAML 1.2\nid: A-1\n"), false},
      {"quoted key", file("\"id\": A-1\n"), false},
      {"single quoted key", file("'id': A-1\n"), false},
      {"space before colon", file("id : A-1\n"), false},
      {"explicit key", file("? id\n: A-1\n"), false},
      {"key with space", file("my key: x\n"), false},
      {"key with dot", file("k.k: x\n"), false},
      {"key starts with digit", file("9k: x\n"), false},
      {"key without space", file("id:A-1\n"), false},
      {"continuation line", file("title: foo\n  bar\n"), false},
      {"continuation after blank", file("title: foo\n\n  bar\n"), false},
      {"mapping on continuation", file("title: foo\n  bar: baz\n"), false},
      {"quoted continuation", file("title: \"foo\"\n  # c\n  bar\n"), false},
      {"indented first key", file("  id: A-1\n  title: t\n"), false},
      {"dedent into nested", file("links:\n    a: []\n  b: []\n"), false},
      {"flow mapping", file("weird_extra: {a: 1}\n"), false},
      {"flow mapping spaces", file("weird_extra: {  }\n"), true},
      {"lone cr", file("title: a\rb: c\n"), false},
      {"control char", file("title: a\x01z\n"), false},
      {"del char", file("title: a\x7Fz\n"), false},
      {"invalid utf8", file("title: \xFF\xFE z\n"), false},
      {"overlong utf8", file("title: \xC0\xAF\n"), false},
      {"nel", file("title: x\xC2\x85y\n"), false},
      {"line separator", file("title: x\xE2\x80\xA8y\n"), false},
      {"bom inside block", file("\xEF\xBB\xBFid: A-1\n"), false},
      {"bom inside value", file("title: x\xEF\xBB\xBFy\n"), false},
      {"fence with trailing spaces", "---  \nid: A-1\n--- \t\nbody\n", true},
      {"body with fence and id", file("id: A-1\n", "\n---\nid: B-2\n---\n"), true},
  };
  for (const auto& c : cases) {
    const bool took = check_same(c.content, c.name);
    EXPECT_EQ(took, c.fast) << c.name << "\ninput: " << quote(c.content);
    // The same with CRLF line ends: same decision, same result.
    if (c.content.find('\r') == std::string::npos) {
      EXPECT_EQ(check_same(with_crlf(c.content), cat({c.name, " (crlf)"})), c.fast) << c.name;
    }
  }
}

namespace {

// A deterministic generator (the standard distributions differ between
// library implementations).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {  // splitmix64
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  bool chance(int percent) { return below(100) < static_cast<size_t>(percent); }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

 private:
  uint64_t s_;
};

// Frontmatters from a grammar that mixes the accepted subset with what it
// must decline (and with invalid YAML). Each file gets a level of weirdness:
// level 0 stays close to the subset, higher levels pick constructs outside
// it more often.
class Gen {
 public:
  explicit Gen(uint64_t seed) : r_(seed) {}

  int level() const { return level_; }

  std::string whole_file() {
    static const std::vector<int> levels = {0, 0, 1, 2, 4};
    level_ = r_.pick(levels);
    std::string text = cat({weird(3) ? "\xEF\xBB\xBF" : "", "---\n", block(), "---\n",
                            r_.chance(10) ? "" : "body\n"});
    if (r_.chance(15)) text = with_crlf(text);
    if (weird(2)) {  // a lone CR somewhere
      const std::string_view v = text;
      const size_t at = r_.below(v.size() + 1);
      text = cat({v.substr(0, at), "\r", v.substr(at)});
    }
    return text;
  }

 private:
  using Strings = std::vector<std::string>;

  // Something outside the subset: `percent` % of the time at level 2.
  bool weird(int percent) { return r_.below(200) < static_cast<size_t>(percent * level_); }

  std::string block() {
    std::string out;
    Strings used;
    const size_t n = 1 + r_.below(14);
    for (size_t i = 0; i < n; ++i) {
      noise(out, 0);
      std::string key = (!used.empty() && weird(4)) ? r_.pick(used) : fresh(used, [&] { return top_key(); });
      used.push_back(key);
      out += key;
      out += sep();
      value(out, 0, true);
    }
    noise(out, 0);
    static const Strings head = {"...\n", "%YAML 1.2\n", "--- x\n", "\xEF\xBB\xBF", "  "};
    static const Strings tail = {"...\n", "--- \n", "- a\n", "x\n"};
    if (weird(3)) out.insert(0, r_.pick(head));
    if (weird(3)) out += r_.pick(tail);
    return out;
  }

  // A key not in `used` (a duplicate after a few tries).
  template <typename F>
  std::string fresh(const Strings& used, F&& make) {
    std::string key;
    for (int i = 0; i < 8; ++i) {
      key = make();
      if (std::find(used.begin(), used.end(), key) == used.end()) break;
    }
    return key;
  }

  std::string top_key() {
    static const Strings common = {"id",    "uid",   "title", "type",     "parent", "links", "decisions",
                                   "related_items", "state", "owner", "tags", "created", "external",
                                   "x-y",   "a_b",   "_k",    "Id",       "null",   "true"};
    static const Strings bad = {"\"id\"", "'uid'", "id ", "-k", "? k", "k.k", "9k", "&a k",
                                "!!str k", "my key", "k:", "", "\xC3\xA9t\xC3\xA9", "  id", "\tid", "- id"};
    return weird(10) ? r_.pick(bad) : r_.pick(common);
  }

  std::string sep() {
    static const Strings bad = {":", ":\t", " :", "::"};
    if (weird(8)) return r_.pick(bad);
    return r_.chance(10) ? ":  " : ": ";
  }

  std::string token() {
    static const Strings words = {
        "KABSD-TSK-0001", "ADR-0002", "Fix", "a", "b c", "2025-01-02", "null", "Null", "NULL", "~",
        "None", "true", "0x1F", "1e3", "can't", "\"q\"", "C#", "a#b", "x:y", "http://x.y/z",
        "caf\xC3\xA9", "\xE2\x9C\x93", "A-TSK-0003", "019a2b3c-4d5e-7f00-8abc-0123456789ab", "nULL",
        "-1", "+1", ".5", "_x", "~x", "\xF0\x9F\x98\x80"};
    static const Strings symbols = {" ", "  ", ":", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">",
                                    "%", "@", "-", "?", "'", "\"", "=", "<<", " - ", "\xC2\xA0", "~"};
    static const Strings bad = {": ", " #", "#", "`", "''", "\\", "\t", "\xC2\x85", "\xE2\x80\xA8",
                                "\xEF\xBB\xBF", "\x01", "\xFF", "\x7F", "\xC0\xAF"};
    if (weird(20)) return r_.pick(bad);
    return r_.chance(25) ? r_.pick(symbols) : r_.pick(words);
  }

  std::string plain() {
    static const Strings starts = {"KABSD-TSK-0001", "x", "Fix", "2024-01-02", "null", "~", "a b", "None"};
    std::string s = weird(20) ? token() : r_.pick(starts);
    const size_t n = r_.below(4);
    for (size_t i = 0; i < n; ++i) s += token();
    if (r_.chance(5)) s += "   ";
    return s;
  }

  std::string quoted() {
    static const Strings escapes = {"\\\"", "\\n", "\\\\", "\\x41", "\\u00e9", "\\"};
    const bool single = r_.chance(50);
    std::string s = single ? "'" : "\"";
    const size_t n = r_.below(4);
    for (size_t i = 0; i < n; ++i) {
      if (single && r_.chance(15)) {
        s += "''";
      } else if (!single && weird(15)) {
        s += r_.pick(escapes);
      } else {
        const std::string t = token();
        const bool raw = weird(20);
        for (char c : t) {
          if (!raw && single && c == '\'') s += '\'';       // escaped
          if (!raw && !single && (c == '"' || c == '\\')) continue;
          s += c;
        }
      }
    }
    if (!weird(6)) s += single ? "'" : "\"";
    return s;
  }

  std::string scalar() {
    static const Strings bad = {"&a x", "*a", "!!str x", "!t x", "|", ">-", "- x", "? x", "a: b"};
    const size_t k = r_.below(100);
    if (k < 3) return "''";
    if (weird(8)) return r_.pick(bad);
    return k < 60 ? plain() : quoted();
  }

  std::string flow_item() {
    static const Strings common = {"KABSD-TSK-0001", "ADR-0001", "a b", " a ", "null", "~", "Null",
                                   "caf\xC3\xA9", "x.y/z+1", "_a", "~x", "a\xC2\xA0"};
    static const Strings bad = {"", "[a]", "{a: b}", "-a", "a?b", "a:b", "a: b", "*a", "&a b",
                                "a\n  b", "a#b", "a #b", "!t a", "a&b"};
    if (weird(30)) return r_.pick(bad);
    const size_t k = r_.below(100);
    if (k < 70) return r_.pick(common);
    if (k < 90) return quoted();
    return token();
  }

  std::string flow_seq() {
    std::string s = r_.chance(90) ? "[" : "[ ";
    const size_t n = r_.below(5);
    for (size_t i = 0; i < n; ++i) {
      if (i) s += r_.chance(50) ? ", " : ",";
      s += flow_item();
    }
    if (weird(6)) s += ",";
    if (!weird(6)) s += r_.chance(10) ? " ]" : "]";
    return s;
  }

  std::string trailing() {
    static const Strings benign = {" ", "  ", " # c", "   #  c: [x]"};
    static const Strings bad = {"#c", " x", "\t", " 'q'", ": x"};
    if (weird(20)) return r_.pick(bad);
    return r_.chance(8) ? r_.pick(benign) : "";
  }

  std::string indent(size_t base) {
    static const std::vector<size_t> widths = {2, 2, 2, 4, 3, 1};
    std::string s(base + r_.pick(widths), ' ');
    if (weird(4)) s[0] = '\t';
    return s;
  }

  // Comment lines, blank lines, stray indented text.
  void noise(std::string& out, size_t base) {
    if (weird(20)) {
      out.append(1 + r_.below(4), ' ');
      out += r_.chance(50) ? "continued\n" : "k: v\n";
      return;
    }
    if (!r_.chance(12)) return;
    switch (r_.below(4)) {
      case 0: out += "\n"; break;
      case 1: out += "# comment\n"; break;
      case 2:
        out.append(base + r_.below(5), ' ');
        out += "# indented: comment\n";
        break;
      default: out += "   \n"; break;
    }
  }

  void block_seq(std::string& out, size_t base) {
    const std::string ind = r_.chance(30) ? std::string(base, ' ') : indent(base);
    const size_t n = 1 + r_.below(4);
    for (size_t i = 0; i < n; ++i) {
      noise(out, base);
      out += (weird(6) && !ind.empty()) ? ind.substr(1) : ind;
      if (weird(6)) {
        out += "-";
      } else {
        out += "- ";
        if (weird(10)) {
          out += r_.chance(50) ? flow_seq() : "a: b";
        } else {
          out += scalar();
        }
      }
      out += trailing();
      out += "\n";
    }
  }

  void nested_map(std::string& out, size_t base) {
    static const Strings keys = {"relates", "blocks", "blocked_by", "azure_id", "jira_key", "x"};
    const std::string ind = indent(base);
    const size_t n = 1 + r_.below(4);
    Strings used;
    for (size_t i = 0; i < n; ++i) {
      noise(out, ind.size());
      out += (weird(6) && ind.size() > 1) ? ind.substr(1) : ind;
      std::string key = (!used.empty() && weird(8)) ? r_.pick(used) : fresh(used, [&] { return r_.pick(keys); });
      used.push_back(key);
      out += key;
      out += sep();
      value(out, ind.size(), false);
    }
  }

  // A value after "key:" (the separator is already out), then its lines.
  void value(std::string& out, size_t base, bool top) {
    static const Strings maps = {"{}", "{ }", "[]", "[ ]"};
    static const Strings bad_maps = {"{a: 1}", "{", "{a}"};
    const size_t k = r_.below(100);
    if (k < 45) {
      out += scalar();
      out += trailing();
      out += "\n";
    } else if (k < 62) {
      out += flow_seq();
      out += trailing();
      out += "\n";
    } else if (k < 66) {
      out += weird(30) ? r_.pick(bad_maps) : r_.pick(maps);
      out += trailing();
      out += "\n";
    } else {
      out += trailing();
      out += "\n";
      const size_t j = r_.below(100);
      if (j < 40) {
        block_seq(out, base);
      } else if (j < 75 && (top || weird(20))) {
        nested_map(out, base);
      } else if (weird(15)) {
        out.append(base + 2, ' ');
        out += "text of a block scalar\n";
      }  // else: null
    }
  }

  Rng r_;
  int level_ = 0;
};

}  // namespace

TEST(ModelFrontmatterFast, RandomGrammar) {
  Gen gen(20250101);
  const int n = 6000;
  int fast = 0, invalid = 0;
  int by_level[5][3] = {};  // inputs, fast, invalid
  for (int i = 0; i < n; ++i) {
    const std::string text = gen.whole_file();
    const bool took = check_same(text, cat({"random #", std::to_string(i)}));
    const bool bad = parse_frontmatter_yaml(text).status == Frontmatter::Status::Invalid;
    fast += took;
    invalid += bad;
    by_level[gen.level()][0]++;
    by_level[gen.level()][1] += took;
    by_level[gen.level()][2] += bad;
    if (std::getenv("KG_FM_DUMP") && gen.level() == std::atoi(std::getenv("KG_FM_DUMP")))
      std::printf("%s %s %s\n", took ? "FAST" : "decl", bad ? "INVALID" : "valid", quote(text).c_str());
    if (HasFailure()) break;
  }
  std::printf("[ random   ] %d inputs: %d fast (%.1f%%), %d invalid YAML\n", n, fast, 100.0 * fast / n,
              invalid);
  for (int l = 0; l < 5; ++l)
    if (by_level[l][0])
      std::printf("[ random   ]   weirdness %d: %d inputs, %d fast, %d invalid\n", l, by_level[l][0],
                  by_level[l][1], by_level[l][2]);
  // The grammar must exercise both sides.
  EXPECT_GT(fast, n / 5);
  EXPECT_LT(fast, n * 4 / 5);
  EXPECT_GT(invalid, n / 20);
}

namespace {

namespace fs = std::filesystem;

fs::path corpus_root() {
  if (const char* env = std::getenv("KG_FM_CORPUS")) return env;
  return fs::path(KG_SOURCE_DIR) / "bench/out/corpus-10000-s1";
}

struct CorpusFile {
  std::string rel;
  std::string content;
};

// `_kano/**/items/**.md` and `**/decisions/*.md`, sorted.
std::vector<CorpusFile> load_corpus(const fs::path& root) {
  std::vector<CorpusFile> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root / "_kano", ec), end; it != end; it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file() || it->path().extension() != ".md") continue;
    const std::string rel = fs::relative(it->path(), root).generic_string();
    const bool in_items = rel.find("/items/") != std::string::npos;
    const bool adr = it->path().parent_path().filename() == "decisions";
    if (!in_items && !adr) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    out.push_back({rel, ss.str()});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.rel < b.rel; });
  return out;
}

// Paths the generator marked as quirky (.bench-meta.json), plus index pages.
std::set<std::string> special_files(const fs::path& root) {
  std::set<std::string> out;
  std::ifstream in(root / ".bench-meta.json");
  if (!in) return out;
  const nlohmann::json meta = nlohmann::json::parse(in, nullptr, false);
  if (meta.is_discarded()) return out;
  if (meta.contains("quirks"))
    for (const auto& [kind, paths] : meta["quirks"].items())
      for (const auto& p : paths)
        if (p.is_string()) out.insert(p.get<std::string>());
  if (meta.contains("index_pages"))
    for (const auto& p : meta["index_pages"])
      if (p.is_string()) out.insert(p.get<std::string>());
  return out;
}

}  // namespace

// Both paths on every item and decision of the generated corpus
// (bench/gen-corpus --items 10000 --seed 1; KG_FM_CORPUS overrides the path;
// ctest runs it on a corpus of 2,000 items that it generates first).
TEST(ModelFrontmatterFast, Corpus) {
  const fs::path root = corpus_root();
  if (!fs::is_directory(root / "_kano")) {
    // ctest generates the corpus first and requires it (CMakeLists.txt).
    if (std::getenv("KG_FM_CORPUS_REQUIRED")) FAIL() << "no corpus at " << root;
    GTEST_SKIP() << "no corpus at " << root;
  }
  const std::vector<CorpusFile> files = load_corpus(root);
  const std::set<std::string> special = special_files(root);
  size_t fast = 0, normal = 0, normal_fast = 0, shown = 0;
  size_t declined_ok = 0, invalid = 0, no_block = 0;  // files the fast path did not take
  for (const auto& f : files) {
    const bool took = check_same(f.content, f.rel);
    fast += took;
    if (!took) {
      const auto status = parse_frontmatter_yaml(f.content).status;
      if (status == Frontmatter::Status::Ok) ++declined_ok;
      else if (status == Frontmatter::Status::Invalid) ++invalid;
      else ++no_block;
    }
    const std::string name = fs::path(f.rel).filename().string();
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool readme = lower == "readme.md";
    if (!special.count(f.rel) && !readme) {
      ++normal;
      normal_fast += took;
      if (!took && shown++ < 5) std::printf("[ declined ] %s\n", f.rel.c_str());
    }
  }
  ASSERT_FALSE(files.empty());
  std::printf("[ corpus   ] %s: %zu files, %zu fast (%.2f%%); not fast: %zu valid YAML, %zu invalid YAML, "
              "%zu without a frontmatter block\n",
              root.string().c_str(), files.size(), fast, 100.0 * fast / files.size(), declined_ok, invalid,
              no_block);
  std::printf("[ corpus   ] items and ADRs without quirks: %zu, %zu fast (%.2f%%)\n", normal, normal_fast,
              normal ? 100.0 * normal_fast / normal : 0.0);
  EXPECT_GT(normal_fast * 100, normal * 95);
}

// Timing, not asserted: KG_FM_TIMING=1 parses the corpus 3 times with each
// path and prints microseconds per file.
TEST(ModelFrontmatterFast, CorpusTiming) {
  if (!std::getenv("KG_FM_TIMING")) GTEST_SKIP() << "set KG_FM_TIMING=1 to time the corpus";
  const fs::path root = corpus_root();
  if (!fs::is_directory(root / "_kano")) GTEST_SKIP() << "no corpus at " << root;
  const std::vector<CorpusFile> files = load_corpus(root);
  ASSERT_FALSE(files.empty());
  constexpr int kRounds = 3;
  size_t sink = 0;
  auto time = [&](auto&& parse) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < kRounds; ++r)
      for (const auto& f : files) sink += parse(f.content);
    const auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::micro>(t1 - t0).count() / (kRounds * files.size());
  };
  const double yaml = time([](const std::string& s) { return parse_frontmatter_yaml(s).refs.size(); });
  const double mixed = time([](const std::string& s) { return parse_frontmatter(s).refs.size(); });
  const double yaml2 = time([](const std::string& s) { return parse_frontmatter_yaml(s).refs.size(); });
  const double mixed2 = time([](const std::string& s) { return parse_frontmatter(s).refs.size(); });
  std::printf("[ timing   ] %zu files x %d rounds x 2: yaml-cpp %.2f / %.2f us per file, "
              "fast path with fallback %.2f / %.2f us per file (%.1fx) [%zu]\n",
              files.size(), kRounds, yaml, yaml2, mixed, mixed2, (yaml + yaml2) / (mixed + mixed2), sink);
}

}  // namespace kg
