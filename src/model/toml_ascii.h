// The config text as toml++ is to see it: ASCII only (issue 15). toml++ 3
// (Debian 12) reaches __builtin_unreachable() on many non-ASCII characters
// where it asks whether one is whitespace (U+00A1..U+049A among them:
// undefined behaviour in a release build), so every non-ASCII character of
// a quoted string becomes an escape (\uXXXX, \UXXXXXXXX), a literal string
// holding one becomes a basic string, non-ASCII in comments is dropped, and
// anywhere else (a bare key, a multi-line literal string) the text is
// refused. Valid TOML keeps its meaning.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kg {

struct AsciiToml {
  std::string text;    // when ok
  std::string error;   // why not, when !ok
  int error_line = 0;  // 1-based
  bool ok = false;
};

// `utf8` must be valid UTF-8 (is_utf8).
AsciiToml ascii_toml(std::string_view utf8);

}  // namespace kg
