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

#include "model/frontmatter_describe.h"
#include "model/frontmatter_fast.h"

namespace {

using kg::fm_testing::describe;

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
