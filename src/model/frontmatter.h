// The YAML frontmatter of an item file: the block between a first line `---`
// and the next line that is `---` (contract section 3). Parsed with yaml-cpp.
// Tolerates a UTF-8 BOM, CRLF line ends and a missing trailing newline.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kg {

struct Frontmatter {
  enum class Status {
    Ok,            // parsed; fields below are filled
    Missing,       // the file does not start with `---`: a document, not an item
    Unterminated,  // no closing `---`
    Invalid,       // not valid YAML, or not a mapping
    Binary,        // starts with `---` but has NUL bytes: not a text file
    Limit,         // over a limit (frontmatter_limits.h): not parsed; id, uid
                   // and id_line from a scan of its top-level lines
  };
  Status status = Status::Missing;
  std::string error;  // for Invalid/Unterminated/Limit: what went wrong
  int error_line = 0; // 1-based line in the file, for Invalid and Limit

  // `id` and `uid` as the Python tool's PyYAML reads them (the last of a
  // repeated key, merge keys applied; model/pyyaml_key.h).
  bool has_id_key = false;        // an `id:` key exists (maybe null)
  std::optional<std::string> id;  // scalar value; nullopt for null or non-scalar
  std::optional<std::string> uid;
  // Why `id` or `uid` may be read differently by other readers (repeated, or
  // through a merge key); "" when it may not. Line: 1-based, in the file.
  std::string ambiguity;
  int ambiguity_line = 0;
  // Parsed, but a limit stopped the reading of references: why.
  std::string limit;
  std::string title;
  std::string type;
  // References to other items: parent, links (any nesting), decisions.
  struct Ref {
    std::string field;  // "parent", "links", "decisions"
    std::string value;
    int line = 0;  // 1-based line in the file
  };
  std::vector<Ref> refs;

  // Where the `id` value sits in the file bytes, for a byte-exact rewrite:
  // [id_value_begin, id_value_end) covers the value as written (quotes
  // included). npos when there is no single-line `id:` value. For a repeated
  // key: the last one, which is the one read.
  size_t id_value_begin = std::string_view::npos;
  size_t id_value_end = std::string_view::npos;
  int id_line = 0;
  // Byte offset just after the closing `---` line (the body's start).
  size_t body_begin = 0;
};

Frontmatter parse_frontmatter(std::string_view content);

}  // namespace kg
