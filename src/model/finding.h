// A finding: something a scan or a check noticed about one file.
#pragma once

#include <string>

namespace kg {

enum class Severity { Warning, Error };

struct Finding {
  std::string kind;     // "duplicate-id", "missing-uid", "unparseable-frontmatter", ...
  Severity severity = Severity::Warning;
  std::string path;     // repository-relative, '/'-separated
  int line = 0;         // 1-based; 0 when not about a line
  std::string message;  // one sentence, no trailing newline
};

}  // namespace kg
