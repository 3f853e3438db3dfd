#include "model/pyyaml_key.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace kg {

namespace {

std::string read(const std::string& yaml, const char* key = "id") {
  KeyReading r = pyyaml_key(YAML::Load(yaml), key);
  if (!r.value) return "<absent>";
  return r.value->IsScalar() ? r.value->Scalar() : "<not scalar>";
}

}  // namespace

// Each expectation is what PyYAML 6 `safe_load` gives for the same text.
TEST(ModelPyyamlKey, RepeatedKeyLastWins) {
  EXPECT_EQ(read("id: A\nid: B\n"), "B");
  EXPECT_EQ(read("id: A\nx: 1\nid: B\nid: C\n"), "C");
  KeyReading r = pyyaml_key(YAML::Load("id: A\nid: B\n"), "id");
  EXPECT_TRUE(r.ambiguous());
  EXPECT_EQ(r.written.size(), 2u);
  EXPECT_FALSE(pyyaml_key(YAML::Load("id: A\n"), "id").ambiguous());
}

TEST(ModelPyyamlKey, MergeKeys) {
  EXPECT_EQ(read("a: &a {id: A}\n<<: *a\n"), "A");
  EXPECT_EQ(read("a: &a {id: A}\n<<: *a\nid: B\n"), "B");   // own key wins, after
  EXPECT_EQ(read("a: &a {id: A}\nid: B\n<<: *a\n"), "B");   // ... and before
  EXPECT_EQ(read("a: &a {id: A}\nb: &b {id: B}\n<<: [*a, *b]\n"), "A");  // first in the list
  EXPECT_EQ(read("a: &a {x: 1}\nb: &b {id: B}\n<<: [*a, *b]\n"), "B");
  EXPECT_EQ(read("a: &a {id: A}\nb: &b {id: B}\n<<: *a\n<<: *b\n"), "B");  // a later << wins
  EXPECT_EQ(read("a: &a {id: A}\nb: &b {<<: *a}\n<<: *b\n"), "A");         // nested merges
  EXPECT_EQ(read("a: &a {id: A}\n'<<': *a\n"), "<absent>");               // quoted: a plain key
  EXPECT_EQ(read("<<: 3\n"), "<absent>");
  KeyReading r = pyyaml_key(YAML::Load("a: &a {id: A}\n<<: *a\n"), "id");
  EXPECT_TRUE(r.merged);
  EXPECT_TRUE(r.ambiguous());
  EXPECT_NE(describe_ambiguity("id", r).find("merge key"), std::string::npos);
}

TEST(ModelPyyamlKey, MergeValuesPyYamlRefuses) {
  for (const char* doc : {"<<: 3\nid: A\n", "<<:\nid: A\n", "a: &a {id: A}\n<<: [*a, 3]\n", "a: &a x\n<<: *a\n"})
    EXPECT_TRUE(pyyaml_key(YAML::Load(doc), "id").invalid_merge) << doc;
  EXPECT_FALSE(pyyaml_key(YAML::Load("a: &a {id: A}\n<<: [*a]\n"), "id").invalid_merge);
}

TEST(ModelPyyamlKey, ReadingDoesNotChangeTheDocument) {
  YAML::Node root = YAML::Load("id: A\nx: 1\nid: B\n");
  pyyaml_key(root, "id");
  std::vector<std::string> values;
  for (auto it = root.begin(); it != root.end(); ++it) values.push_back(it->second.Scalar());
  EXPECT_EQ(values, (std::vector<std::string>{"A", "1", "B"}));
}

TEST(ModelPyyamlKey, AnAliasBombUnderMergeKeysEnds) {
  std::string yaml = "a0: &a0 {x: 1}\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " {<<: [";
    for (int k = 0; k < 9; ++k) yaml += (k ? ", " : "") + prev;
    yaml += "]}\n";
  }
  yaml += "<<: *a9\n";
  EXPECT_EQ(read(yaml), "<absent>");  // 9^9 paths; bounded visits
}

TEST(ModelPyyamlKey, DescribeNamesEveryValue) {
  KeyReading r = pyyaml_key(YAML::Load("id: A\nid: B\n"), "id");
  EXPECT_EQ(describe_ambiguity("id", r),
            "'id' is written 2 times (A, then B); the Python tool (PyYAML) reads B, and so does kabsd-guard; "
            "write it once");
}

}  // namespace kg

namespace kg {

// The authority itself: PyYAML (python3-yaml, a test dependency of
// ./install.sh --test) reads the same documents.
TEST(ModelPyyamlKey, AgreesWithPyYaml) {
  const std::vector<std::string> docs = {
      "id: A\n",
      "id: A\nid: B\n",
      "uid: u1\nid: A\nuid: u2\n",
      "a: &a {id: A}\n<<: *a\n",
      "a: &a {id: A}\n<<: *a\nid: B\n",
      "a: &a {id: A}\nid: B\n<<: *a\n",
      "a: &a {id: A}\nb: &b {id: B}\n<<: [*a, *b]\n",
      "a: &a {x: X}\nb: &b {id: B}\n<<: [*a, *b]\n",
      "a: &a {id: A}\nb: &b {id: B}\n<<: *a\n<<: *b\n",
      "a: &a {id: A}\nb: &b {<<: *a, uid: U}\n<<: *b\n",
      "a: &a {id: A}\nb: &b {<<: *a, id: B2}\n<<: [*b, *a]\n",
      "a: &a {id: A}\n'<<': *a\n",
      "a: &a {id: A, uid: U}\n<<: *a\nid: B\nid: C\n",
      "x: 1\n",
      "a: &a {id: A}\n!!str <<: *a\n",
      "a: &a {id: A}\n!!merge <<: *a\n",
  };
  const std::string dir = ::testing::TempDir();
  const std::string in = dir + "/pyyaml_docs.txt", out = dir + "/pyyaml_out.txt";
  {
    std::FILE* f = std::fopen(in.c_str(), "w");
    ASSERT_TRUE(f);
    for (const std::string& d : docs) std::fprintf(f, "%s\x1e", d.c_str());
    std::fclose(f);
  }
  const std::string cmd =
      "python3 -c 'import sys, yaml\n"
      "for d in open(sys.argv[1]).read().split(\"\\x1e\")[:-1]:\n"
      "    m = yaml.safe_load(d)\n"
      "    print(\"%s %s\" % (m.get(\"id\", \"<absent>\"), m.get(\"uid\", \"<absent>\")))' " +
      in + " >" + out + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "python3 with PyYAML is not available";
  std::FILE* f = std::fopen(out.c_str(), "r");
  ASSERT_TRUE(f);
  char line[256];
  for (const std::string& d : docs) {
    ASSERT_TRUE(std::fgets(line, sizeof line, f)) << d;
    std::string want(line);
    if (!want.empty() && want.back() == '\n') want.pop_back();
    EXPECT_EQ(read(d, "id") + " " + read(d, "uid"), want) << d;
  }
  std::fclose(f);
}

}  // namespace kg
