#include "util/strings.h"

#include <gtest/gtest.h>

namespace kg {

TEST(UtilStrings, Utf8IsStrict) {
  EXPECT_TRUE(is_utf8("caf\xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_utf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(is_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_utf8("\xC3"));              // cut short
}

TEST(UtilStrings, QuotePathAsGitDoes) {
  EXPECT_EQ(quote_path("a/b c.md"), "a/b c.md");
  EXPECT_EQ(quote_path("caf\xC3\xA9.md"), "caf\xC3\xA9.md");  // printable UTF-8 stays
  EXPECT_EQ(quote_path("a\nb.md"), "\"a\\nb.md\"");
  EXPECT_EQ(quote_path("say \"hi\"\\x"), "\"say \\\"hi\\\"\\\\x\"");
  EXPECT_EQ(quote_path("\x1b[31mred"), "\"\\033[31mred\"");
  EXPECT_EQ(quote_path("a\xFF"), "\"a\\377\"");               // not UTF-8
  EXPECT_EQ(quote_path("c1\xC2\x9B"), "\"c1\\302\\233\"");     // a C1 control
  EXPECT_EQ(escape_controls("id 'a\nb' \"q\""), "id 'a\\nb' \"q\"");
}

TEST(UtilStrings, ShellQuoteMakesOneWord) {
  EXPECT_EQ(shell_quote("_kano/x/DEMO-TSK-0001_a.md"), "_kano/x/DEMO-TSK-0001_a.md");
  EXPECT_EQ(shell_quote("a b.md"), "'a b.md'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("a\nb'\\"), "$'a\\012b\\'\\\\'");
  EXPECT_EQ(shell_quote(""), "''");
}

}  // namespace kg
