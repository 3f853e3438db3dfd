// A fast path for parse_frontmatter(): a hand-written reader for the small
// YAML subset that the Python tool writes (contract section 3). yaml-cpp stays
// the authority: the fast path declines (nullopt) anything it does not
// recognise exactly, and parse_frontmatter() then falls back to yaml-cpp.
// For every block it accepts, the result is identical to the yaml-cpp path.
//
// Accepted subset (anything else declines):
// - printable ASCII and well-formed UTF-8 only: no tabs, no control
//   characters, no lone CR (CRLF line ends are fine), no BOM, NEL, U+2028/9;
// - blank lines and comment lines (`#` after optional spaces), anywhere;
// - at least one top-level `key: value` line, at column 0; keys are
//   `[A-Za-z_][A-Za-z0-9_-]*` (at most 128 bytes) directly followed by `:`
//   and a space or the line end; no duplicate keys;
// - values on the key's line:
//   - plain scalars that do not start with an indicator (`-?:,[]{}#&*!|>'"%@`
//     or a backquote) and contain no `: `, no ` #` (so no comment after
//     them) and no trailing `:`; `null`, `Null`, `NULL` and `~` are null;
//   - single-quoted scalars (`''` is a quote), double-quoted scalars without
//     a backslash, each closed on the same line;
//   - flow sequences `[...]` on one line, items quoted scalars or plain ones
//     made of letters, digits, spaces, bytes >= 0x80 and `_./+~` (not
//     starting with `-`); no empty item, no trailing comma;
//   - the empty flow mapping `{}`;
//   - nothing: null, unless a block follows;
//   quoted scalars, flow collections and empty values may be followed by
//   spaces and a comment;
// - after an empty value: a block sequence of scalars (`- item`, indented or
//   at the key's own column), or, under a top-level key only, one block
//   mapping (indented, same key rules) whose values are any of the above.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "model/frontmatter.h"

namespace kg {

// Reads `yaml_block`, the bytes between the two `---` fences (the exact string
// that the yaml-cpp path loads). `block_offset` is its byte offset in the
// file and `first_line` the 1-based file line of its first line: they place
// refs, id_value_begin/end and id_line in the file. On success the result has
// status Ok and every parsed field set; body_begin is left for the caller.
// nullopt: not in the subset, use yaml-cpp.
std::optional<Frontmatter> parse_frontmatter_fast(std::string_view yaml_block,
                                                  size_t block_offset = 0, int first_line = 2);

// Test and benchmark hooks (defined in frontmatter.cc, next to
// parse_frontmatter):
// - parse_frontmatter_yaml: parse_frontmatter() with the fast path disabled;
// - parse_frontmatter_fast_only: parse_frontmatter() without the yaml-cpp
//   fallback; nullopt when the fast path declines the frontmatter block.
//   Files without a complete block (Missing, Unterminated, Binary) never
//   reach either parser and come back as parse_frontmatter() returns them.
Frontmatter parse_frontmatter_yaml(std::string_view content);
std::optional<Frontmatter> parse_frontmatter_fast_only(std::string_view content);

}  // namespace kg
