// Byte-exact edits of an item file for `renumber`: change the value of the
// frontmatter `id` and append one worklog line, leaving every other byte as
// it was (BOM, CRLF, key order, quoting, a missing trailing newline).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/frontmatter.h"

namespace kg {

// "\r\n" when the file's first line ends with CRLF, else "\n".
std::string_view line_ending_of(std::string_view content);

// `content` with the frontmatter id value (located by parse_frontmatter in
// `fm`) replaced by `new_id`. A quoted value keeps its quotes (`"` or `'`);
// a plain, null or empty value becomes a plain `new_id`. nullopt when the
// file has no single-line `id:` value to change.
std::optional<std::string> replace_id_value(std::string_view content, const Frontmatter& fm,
                                            std::string_view new_id);

// True when `line` is the `# Worklog` heading (any case, blanks allowed).
bool is_worklog_heading(std::string_view line);

// Appends `line` (without a line end) at the end of the file, under its
// `# Worklog` section; a file without one gets "<eol># Worklog<eol><eol>"
// first. Uses the file's own line ending; a missing trailing newline is
// added before the new line. The result always ends with a line end.
std::string append_worklog(std::string_view content, size_t body_begin, std::string_view line);

// "YYYY-MM-DD HH:MM [agent=kabsd-guard] message": the Python tool's format.
std::string worklog_line(std::string_view minute, std::string_view message);

// The current local time as "YYYY-MM-DD HH:MM" (the Python tool writes local
// time with datetime.now()).
std::string local_minute_now();

}  // namespace kg
