#include "model/rewrite.h"

#include <gtest/gtest.h>

#include <regex>

namespace kg {
namespace {

const char* kLine = "2026-01-02 03:04 [agent=kabsd-guard] Renumbered from A to B.";

bool starts(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string rewrite(const std::string& content, const std::string& new_id) {
  Frontmatter fm = parse_frontmatter(content);
  EXPECT_EQ(fm.status, Frontmatter::Status::Ok) << fm.error;
  auto replaced = replace_id_value(content, fm, new_id);
  EXPECT_TRUE(replaced.has_value());
  if (!replaced) return "";
  return append_worklog(*replaced, fm.body_begin + replaced->size() - content.size(), kLine);
}

TEST(RenumberRewrite, PlainValueLfWithWorklog) {
  std::string in = "---\nid: KABSD-TSK-0005\nuid: x\n---\n\n# Worklog\n\n2025-01-01 10:00 [agent=a] Created\n";
  EXPECT_EQ(rewrite(in, "KABSD-TSK-0009"),
            "---\nid: KABSD-TSK-0009\nuid: x\n---\n\n# Worklog\n\n2025-01-01 10:00 [agent=a] Created\n" +
                std::string(kLine) + "\n");
}

TEST(RenumberRewrite, KeepsQuotesOfBothKinds) {
  EXPECT_PRED2(starts, rewrite("---\nid: \"KABSD-TSK-0005\"\n---\n# Worklog\n", "KABSD-TSK-0010"), "---\nid: \"KABSD-TSK-0010\"\n");
  EXPECT_PRED2(starts, rewrite("---\nid: 'KABSD-TSK-0005'  # note\n---\n# Worklog\n", "KABSD-TSK-0010"), "---\nid: 'KABSD-TSK-0010'  # note\n");
  EXPECT_PRED2(starts, rewrite("---\nid: KABSD-TSK-5 # note\n---\n# Worklog\n", "KABSD-TSK-0010"), "---\nid: KABSD-TSK-0010 # note\n");
}

TEST(RenumberRewrite, CrlfBomNoTrailingNewline) {
  std::string in = "\xEF\xBB\xBF---\r\nid: KABSD-TSK-0005\r\nuid: x\r\n---\r\nbody\r\n\r\n# Worklog\r\n\r\nold line";
  std::string out = rewrite(in, "KABSD-TSK-0123");
  EXPECT_EQ(out, "\xEF\xBB\xBF---\r\nid: KABSD-TSK-0123\r\nuid: x\r\n---\r\nbody\r\n\r\n# Worklog\r\n\r\nold line\r\n" +
                     std::string(kLine) + "\r\n");
}

TEST(RenumberRewrite, AddsWorklogSectionWhenMissing) {
  EXPECT_EQ(rewrite("---\nid: A-TSK-1\n---\nbody\n", "A-TSK-0002"),
            "---\nid: A-TSK-0002\n---\nbody\n\n# Worklog\n\n" + std::string(kLine) + "\n");
  EXPECT_EQ(rewrite("---\r\nid: A-TSK-1\r\n---\r\nbody", "A-TSK-0002"),
            "---\r\nid: A-TSK-0002\r\n---\r\nbody\r\n\r\n# Worklog\r\n\r\n" + std::string(kLine) + "\r\n");
  // A "# Worklog" inside a code fence is not the section.
  EXPECT_EQ(rewrite("---\nid: A-TSK-1\n---\n```\n# Worklog\n```\n", "A-TSK-0002"),
            "---\nid: A-TSK-0002\n---\n```\n# Worklog\n```\n\n# Worklog\n\n" + std::string(kLine) + "\n");
}

TEST(RenumberRewrite, SortedKeysIdNotFirst) {
  std::string in = "---\ncreated: 2025-01-01\nid: KABSD-BUG-0003\nparent: KABSD-TSK-0003\ntitle: x\nuid: u\n---\n";
  std::string out = rewrite(in, "KABSD-BUG-0004");
  EXPECT_EQ(out.substr(0, in.size()),
            "---\ncreated: 2025-01-01\nid: KABSD-BUG-0004\nparent: KABSD-TSK-0003\ntitle: x\nuid: u\n---\n");
}

TEST(RenumberRewrite, NullOrEmptyIdBecomesPlainValue) {
  EXPECT_PRED2(starts, rewrite("---\nid: null\n---\n# Worklog\n", "A-TSK-0002"), "---\nid: A-TSK-0002\n");
  EXPECT_PRED2(starts, rewrite("---\nid:\nuid: u\n---\n# Worklog\n", "A-TSK-0002"), "---\nid: A-TSK-0002\n");
}

TEST(RenumberRewrite, NoIdKeyCannotBeReplaced) {
  std::string in = "---\nuid: u\n---\n";
  Frontmatter fm = parse_frontmatter(in);
  EXPECT_FALSE(replace_id_value(in, fm, "A-TSK-0001").has_value());
}

TEST(RenumberRewrite, LineEndingAndHeading) {
  EXPECT_EQ(line_ending_of("a\r\nb\n"), "\r\n");
  EXPECT_EQ(line_ending_of("a\nb\r\n"), "\n");
  EXPECT_EQ(line_ending_of("no newline"), "\n");
  EXPECT_TRUE(is_worklog_heading("# Worklog"));
  EXPECT_TRUE(is_worklog_heading("#  worklog  "));
  EXPECT_FALSE(is_worklog_heading("## Worklog notes"));
  EXPECT_FALSE(is_worklog_heading("Worklog"));
}

TEST(RenumberRewrite, WorklogLineFormat) {
  EXPECT_EQ(worklog_line("2026-01-02 03:04", "Renumbered."), "2026-01-02 03:04 [agent=kabsd-guard] Renumbered.");
  EXPECT_TRUE(std::regex_match(local_minute_now(), std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d)")));
}

}  // namespace
}  // namespace kg
