// The limits every parse of a frontmatter stays within (issue 15): a
// frontmatter is text anyone with push access wrote, and a hook must never
// hang or exhaust memory on it. Checked on the raw block before either YAML
// reader sees it; a block over a limit is not parsed, and what it claims
// comes from a bounded scan of its top-level lines instead, so the
// duplicate rule keeps working.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kg {

inline constexpr size_t kMaxFrontmatterBytes = size_t{1} << 20;  // the block between the fences
inline constexpr size_t kMaxFrontmatterLine = size_t{64} << 10;  // one line of it
inline constexpr int kMaxFrontmatterDepth = 100;                 // nesting: indentation, dashes, brackets
inline constexpr int kMaxFrontmatterNodes = 10000;               // YAML nodes visited, aliases followed

struct LimitHit {
  std::string what;  // "the frontmatter nests deeper than the limit of 100 levels"
  int line = 0;      // 1-based line in the file
};

// The first limit `block` (the frontmatter's lines, starting at file line
// `first_line`) exceeds: a line longer than kMaxFrontmatterLine, or nesting
// deeper than kMaxFrontmatterDepth (an upper bound: leading spaces and
// sequence dashes, plus open brackets outside quotes). nullopt: within.
std::optional<LimitHit> check_limits(std::string_view block, int first_line);

// What a block that was not parsed claims, by a scan of its top-level
// lines: the last `id:` and `uid:` (as PyYAML keeps the last of a repeated
// key), plain or quoted, without escapes. Lines over the line limit are
// skipped.
struct ScannedClaims {
  bool has_id_key = false;
  std::optional<std::string> id, uid;
  int id_line = 0;
};
ScannedClaims scan_claims(std::string_view block, int first_line);

}  // namespace kg
