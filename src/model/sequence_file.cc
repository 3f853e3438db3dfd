#include "model/sequence_file.h"

#include <algorithm>
#include <charconv>

#include "model/id.h"

namespace kg {

namespace {

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool is_word(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

SequenceFile parse_sequence_file(std::string_view text) {
  SequenceFile out;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string_view> f = fields(line);
    if (f.empty() || f[0].front() == '#') continue;
    int64_t n = -1;
    bool number_ok = f.size() == 3 && std::from_chars(f[2].data(), f[2].data() + f[2].size(), n).ptr ==
                                           f[2].data() + f[2].size();
    if (!number_ok || n < 0 || n > kMaxNumber || !is_word(f[0]) || !is_word(f[1])) {
      out.errors.push_back("line " + std::to_string(line_no) + ": expected 'PREFIX TYPE NUMBER', got '" +
                           std::string(line.substr(0, 80)) + "'");
      continue;
    }
    int64_t& slot = out.values[{std::string(f[0]), std::string(f[1])}];
    slot = std::max(slot, n);
  }
  return out;
}

std::string format_sequence_file(std::string_view product_key, const SequenceValues& values) {
  std::string out = "# kabsd-guard sequences of product " + std::string(product_key) +
                    ": PREFIX TYPE LAST (the last number handed out)\n";
  for (const auto& [key, n] : values) out += key.first + " " + key.second + " " + std::to_string(n) + "\n";
  return out;
}

bool is_sequence_file_name(std::string_view key) {
  return !key.empty() && key.front() != '.' && key.size() <= 200 &&
         std::all_of(key.begin(), key.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-';
         });
}

}  // namespace kg
