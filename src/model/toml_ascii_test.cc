#include "model/toml_ascii.h"

#include <gtest/gtest.h>

namespace kg {
namespace {

// The ASCII form of `text`, or "refused: ..." (toml++ itself is not used
// here: config.cc includes it with its own settings, one TU only).
std::string ascii(std::string_view text) {
  AsciiToml a = ascii_toml(text);
  return a.ok ? a.text : "refused: " + a.error;
}

TEST(TomlAscii, AsciiTextIsUnchangedExceptLiteralStringsWrittenAsBasic) {
  const std::string text = "# c\n[a]\nk = \"v\\n\" # x\nm = \"\"\"\nq\"\"\"\nl = '''raw\\'''\n";
  AsciiToml a = ascii_toml(text);
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.text, text);
  AsciiToml lit = ascii_toml("p = 'C:\\dir\"x'\n");
  ASSERT_TRUE(lit.ok);
  EXPECT_EQ(lit.text, "p = \"C:\\\\dir\\\"x\"\n");
}

TEST(TomlAscii, NonAsciiInStringsBecomesEscapesOfTheSameCodePoints) {
  EXPECT_EQ(ascii("k = \"caf\xC3\xA9 \xF0\x9F\x98\x80\"\n"), "k = \"caf\\u00E9 \\U0001F600\"\n");
  EXPECT_EQ(ascii("k = 'C:\\d\xC3\xA9'\n"), "k = \"C:\\\\d\\u00E9\"\n");
  EXPECT_EQ(ascii("k = \"\"\"\nl\xE2\x80\x94\"\"\"\n"), "k = \"\"\"\nl\\u2014\"\"\"\n");
  EXPECT_EQ(ascii("# comment \xC3\xA9\xC2\xA1\nk = \"v\" # \xE2\x80\x94\n"), "# comment \nk = \"v\" # \n");
  EXPECT_EQ(ascii("k = \"a\\\"b\xC3\xA9\"\n"), "k = \"a\\\"b\\u00E9\"\n");
}

TEST(TomlAscii, NonAsciiElsewhereIsRefusedWithItsLine) {
  AsciiToml bare = ascii_toml("a = 1\n\n[caf\xC3\xA9]\n");
  EXPECT_FALSE(bare.ok);
  EXPECT_EQ(bare.error_line, 3);
  EXPECT_NE(bare.error.find("outside a quoted string"), std::string::npos);

  AsciiToml multi = ascii_toml("a = \"x\\\ny\"\nb = '''\n\xC3\xA9'''\n");
  EXPECT_FALSE(multi.ok);
  EXPECT_EQ(multi.error_line, 4);
  EXPECT_NE(multi.error.find("multi-line literal"), std::string::npos);

  AsciiToml escape = ascii_toml("k = \"\\\xC3\xA9\"\n");
  EXPECT_FALSE(escape.ok);
  EXPECT_NE(escape.error.find("after a backslash"), std::string::npos);
}

TEST(TomlAscii, AnUnterminatedLiteralStringEndsAtTheLine) {
  AsciiToml a = ascii_toml("k = 'open\nj = \"\xC3\xA9\"\n");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.text, "k = \"open\nj = \"\\u00E9\"\n");
}

}  // namespace
}  // namespace kg
