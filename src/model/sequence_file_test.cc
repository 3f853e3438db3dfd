#include "model/sequence_file.h"

#include <gtest/gtest.h>

namespace kg {
namespace {

TEST(SequenceFile, RoundTrips) {
  SequenceValues v{{{"DEMO", "TSK"}, 42}, {{"DEMO", "BUG"}, 3}, {{"KA", "TSK"}, 7}};
  std::string text = format_sequence_file("demo", v);
  EXPECT_EQ(text,
            "# kabsd-guard sequences of product demo: PREFIX TYPE LAST (the last number handed out)\n"
            "DEMO BUG 3\nDEMO TSK 42\nKA TSK 7\n");
  SequenceFile f = parse_sequence_file(text);
  EXPECT_TRUE(f.errors.empty());
  EXPECT_EQ(f.values, v);
}

TEST(SequenceFile, KeepsTheHigherOfTwoLinesAndSkipsBlanksAndComments) {
  SequenceFile f = parse_sequence_file("\n# c\r\nDEMO TSK 5\r\n  DEMO\tTSK   9\nDEMO TSK 2");
  EXPECT_TRUE(f.errors.empty());
  ASSERT_EQ(f.values.size(), 1u);
  EXPECT_EQ(f.values.at({"DEMO", "TSK"}), 9);
}

TEST(SequenceFile, ReportsBadLinesByNumber) {
  SequenceFile f = parse_sequence_file("DEMO TSK\nDEMO TSK x\ndemo TSK 1\nDEMO TSK -1\nDEMO TSK 1000000000000000\nOK TSK 1\n");
  ASSERT_EQ(f.errors.size(), 5u);
  EXPECT_EQ(f.errors[0], "line 1: expected 'PREFIX TYPE NUMBER', got 'DEMO TSK'");
  EXPECT_EQ(f.errors[4].substr(0, 7), "line 5:");
  EXPECT_EQ(f.values.size(), 1u);
}

TEST(SequenceFile, ProductKeysThatNameAFile) {
  EXPECT_TRUE(is_sequence_file_name("kano-agent-backlog-skill"));
  EXPECT_TRUE(is_sequence_file_name("Demo_1.x"));
  EXPECT_FALSE(is_sequence_file_name(""));
  EXPECT_FALSE(is_sequence_file_name(".hidden"));
  EXPECT_FALSE(is_sequence_file_name("a/b"));
  EXPECT_FALSE(is_sequence_file_name("a b"));
}

}  // namespace
}  // namespace kg
