// Frontmatter, differentially: parse_frontmatter() (fast path with the
// yaml-cpp fallback), parse_frontmatter_yaml() (yaml-cpp only) and
// parse_frontmatter_fast_only() (fast path only). As in
// src/model/frontmatter_fast_test.cc: the first two agree on every field, and
// when the fast path accepts an input yaml-cpp parsed it (Ok) to the same
// result, or no block reached a parser (Missing, Unterminated, Binary).
// Anything else aborts with both results printed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "model/frontmatter_fast.h"

namespace {

std::string quote(std::string_view s) {
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
  return out + '"';
}

std::string opt(const std::optional<std::string>& s) { return s ? quote(*s) : "nullopt"; }
std::string num(size_t v) { return v == std::string_view::npos ? "npos" : std::to_string(v); }

// Every field, one per line (frontmatter_fast_test.cc's describe()).
std::string describe(const kg::Frontmatter& fm) {
  std::ostringstream o;
  o << "status " << static_cast<int>(fm.status) << "\nerror " << quote(fm.error) << " line "
    << fm.error_line << "\nhas_id_key " << fm.has_id_key << "\nid " << opt(fm.id) << "\nuid "
    << opt(fm.uid) << "\ntitle " << quote(fm.title) << "\ntype " << quote(fm.type) << "\n";
  for (const auto& r : fm.refs) o << "ref " << r.field << " " << quote(r.value) << " @" << r.line << "\n";
  o << "id_value " << num(fm.id_value_begin) << ".." << num(fm.id_value_end) << " line " << fm.id_line
    << "\nbody_begin " << fm.body_begin << "\nambiguity " << quote(fm.ambiguity) << " line "
    << fm.ambiguity_line << "\n";
  return o.str();
}

[[noreturn]] void differ(const char* what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "fuzz_frontmatter: %s\n--- yaml-cpp:\n%s--- other:\n%s", what, a.c_str(), b.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  const kg::Frontmatter yaml = kg::parse_frontmatter_yaml(content);
  const std::string want = describe(yaml);
  const std::string mixed = describe(kg::parse_frontmatter(content));
  if (mixed != want) differ("parse_frontmatter differs from the yaml-cpp path", want, mixed);
  const std::optional<kg::Frontmatter> fast = kg::parse_frontmatter_fast_only(content);
  if (!fast) return 0;
  const std::string got = describe(*fast);
  if (got != want) differ("the fast path differs from the yaml-cpp path", want, got);
  using S = kg::Frontmatter::Status;
  if (yaml.status == S::Invalid) differ("the fast path accepted what yaml-cpp refused", want, got);
  return 0;
}
