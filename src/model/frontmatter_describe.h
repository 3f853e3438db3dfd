// Every field of a parse result, one per line, for the differential tests
// of the frontmatter readers (frontmatter_fast_test.cc) and their fuzz
// target (fuzz/fuzz_frontmatter.cc): comparing two descriptions compares
// everything and prints a readable difference. Header-only; not used by
// the tool itself.
#pragma once

#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "model/frontmatter.h"

namespace kg::fm_testing {

inline std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

inline std::string describe(const Frontmatter& fm) {
  auto opt = [](const std::optional<std::string>& s) { return s ? quote(*s) : std::string("nullopt"); };
  auto num = [](size_t v) { return v == std::string_view::npos ? std::string("npos") : std::to_string(v); };
  std::ostringstream o;
  o << "status " << static_cast<int>(fm.status) << "\nerror " << quote(fm.error) << " line " << fm.error_line
    << "\nhas_id_key " << fm.has_id_key << "\nid " << opt(fm.id) << "\nuid " << opt(fm.uid) << "\ntitle "
    << quote(fm.title) << "\ntype " << quote(fm.type) << "\n";
  for (const auto& r : fm.refs) o << "ref " << r.field << " " << quote(r.value) << " @" << r.line << "\n";
  o << "id_value " << num(fm.id_value_begin) << ".." << num(fm.id_value_end) << " line " << fm.id_line
    << "\nbody_begin " << fm.body_begin << "\nambiguity " << quote(fm.ambiguity) << " line " << fm.ambiguity_line
    << "\nlimit " << quote(fm.limit) << "\n";
  return o.str();
}

}  // namespace kg::fm_testing
