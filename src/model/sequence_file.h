// The shared sequence state kept on a git remote (docs/reserve.md, "Many
// clones, many machines"): the ref refs/kabsd/sequences points at a commit
// whose tree holds one small text file per product, named by the product
// key, one line per sequence:
//
//   # kabsd-guard sequences of product demo: PREFIX TYPE LAST
//   DEMO TSK 42
//   DEMO BUG 3
//
// LAST is the last number handed out, as the sequence table stores it.
// Pure text in, text out.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kg {

// (prefix, type code), upper case, -> last number handed out.
using SequenceValues = std::map<std::pair<std::string, std::string>, int64_t>;

struct SequenceFile {
  SequenceValues values;
  // "line 3: ..." for each line that is not "PREFIX TYPE NUMBER".
  std::vector<std::string> errors;
};

// Blank lines and '#' comments are skipped; a key seen twice keeps the
// higher number (the file is only ever raised).
SequenceFile parse_sequence_file(std::string_view text);
// The file for `product_key`, lines sorted, ending in a newline.
std::string format_sequence_file(std::string_view product_key, const SequenceValues& values);
// A product key that can name the file: [A-Za-z0-9._-], not starting with '.'.
bool is_sequence_file_name(std::string_view product_key);

}  // namespace kg
