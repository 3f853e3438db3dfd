#include "model/frontmatter_limits.h"

#include <algorithm>

namespace kg {

namespace {

std::string_view next_line(std::string_view s, size_t& pos) {
  const size_t nl = s.find('\n', pos);
  const size_t end = nl == std::string_view::npos ? s.size() : nl;
  std::string_view line = s.substr(pos, end - pos);
  pos = nl == std::string_view::npos ? s.size() : nl + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string with_thousands(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Leading spaces and sequence/mapping indicators ("- ", "? ", "- - ").
int block_depth(std::string_view line) {
  size_t i = 0;
  int depth = 0;
  for (;;) {
    while (i < line.size() && line[i] == ' ') ++i, ++depth;
    if (i < line.size() && (line[i] == '-' || line[i] == '?') && (i + 1 == line.size() || line[i + 1] == ' ')) {
      ++i;
      ++depth;
      continue;
    }
    return depth;
  }
}

// The value of a top-level `key:` line, unquoted; nullopt for null.
std::optional<std::string> value_of(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  if (!v.empty() && (v.front() == '"' || v.front() == '\'')) {
    const char q = v.front();
    std::string out;
    for (size_t i = 1; i < v.size(); ++i) {
      if (v[i] == q) {
        if (q == '\'' && i + 1 < v.size() && v[i + 1] == '\'') {
          out += q;
          ++i;
          continue;
        }
        return out;
      }
      out += v[i];
    }
    return out;  // unclosed: what is there
  }
  const size_t hash = v.find(" #");
  if (hash != std::string_view::npos) v = v.substr(0, hash);
  if (!v.empty() && v.front() == '#') v = {};
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL") return std::nullopt;
  return std::string(v);
}

}  // namespace

std::optional<LimitHit> check_limits(std::string_view block, int first_line) {
  size_t pos = 0;
  int line_no = first_line, flow = 0;
  while (pos < block.size()) {
    std::string_view line = next_line(block, pos);
    if (line.size() > kMaxFrontmatterLine)
      return LimitHit{"a line of the frontmatter is longer than the limit of " +
                          with_thousands(kMaxFrontmatterLine) + " bytes",
                      line_no};
    char quote = 0;
    int deepest = flow;
    for (char c : line) {
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[' || c == '{') {
        deepest = std::max(deepest, ++flow);
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
      }
    }
    if (block_depth(line) + deepest > kMaxFrontmatterDepth)
      return LimitHit{"the frontmatter nests deeper than the limit of " + std::to_string(kMaxFrontmatterDepth) +
                          " levels",
                      line_no};
    ++line_no;
  }
  return std::nullopt;
}

ScannedClaims scan_claims(std::string_view block, int first_line) {
  ScannedClaims out;
  size_t pos = 0;
  int line_no = first_line;
  while (pos < block.size()) {
    std::string_view line = next_line(block, pos);
    const int here = line_no++;
    if (line.size() > kMaxFrontmatterLine) continue;
    for (std::string_view key : {"id", "uid"}) {
      std::string_view rest;
      if (line.substr(0, key.size()) == key) {
        rest = line.substr(key.size());
      } else if (line.size() > key.size() + 2 && (line[0] == '"' || line[0] == '\'') &&
                 line.substr(1, key.size()) == key && line[key.size() + 1] == line[0]) {
        rest = line.substr(key.size() + 2);
      } else {
        continue;
      }
      if (rest.empty() || rest[0] != ':' || (rest.size() > 1 && rest[1] != ' ' && rest[1] != '\t')) continue;
      std::optional<std::string> v = value_of(rest.substr(1));
      if (key == "id") {
        out.has_id_key = true;
        out.id = std::move(v);
        out.id_line = here;
      } else {
        out.uid = std::move(v);
      }
    }
  }
  return out;
}

}  // namespace kg
