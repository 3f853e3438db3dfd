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
// True when `s` is valid UTF-8.
bool is_utf8(std::string_view s);

}  // namespace kg
