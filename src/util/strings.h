// Small string helpers shared by every layer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kg {

std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);
bool starts_with_icase(std::string_view s, std::string_view prefix);
bool equals_icase(std::string_view a, std::string_view b);
std::vector<std::string_view> split(std::string_view s, char sep);
// Zero-pads `n` to at least `width` digits.
std::string zero_pad(long long n, int width);
// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates).
bool is_utf8(std::string_view s);
// A path or name for text output, quoted the way git quotes paths: when it
// holds a control character (C0, DEL or C1), a '"', a '\\' or bytes that are
// not UTF-8, it is put in double quotes with C escapes (\n, \t, \", \\) and
// octal ones (\303); otherwise it is returned as it is. Printable UTF-8 is
// kept (as git with core.quotePath=false), so names stay readable. JSON
// output does not use this: it is exact.
std::string quote_path(std::string_view s);
// Text from a repository (a message quoting a file's value) for a terminal:
// control characters and bytes that are not UTF-8 escaped as quote_path
// does, without quotes around it.
std::string escape_controls(std::string_view s);
// A word for a shell command line: as it is when it is plain, else in single
// quotes, or in $'...' with octal escapes when it holds control characters.
std::string shell_quote(std::string_view s);

}  // namespace kg
