// Rendering a check report: for a person (terminal) or as JSON (docs/json.md).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "check/check.h"
#include "cli/context.h"

namespace kg::cli {

struct RenderOptions {
  // In a hook: only what helps. Pre-existing findings are summarised in one
  // line instead of listed, and nothing is printed when nothing is wrong.
  bool hook = false;
  // What is refused when an error exists ("commit", "merge", "push"); empty
  // for the check command.
  std::string refused;
  // How to skip the hook once, for the refusal message
  // ("KABSD_GUARD_SKIP=1 git commit  or  git commit --no-verify").
  std::string bypass;
};

void print_report(std::ostream& os, const CheckReport& report, const Output& out, bool color,
                  const RenderOptions& options);
nlohmann::ordered_json report_json(const CheckReport& report);

}  // namespace kg::cli
