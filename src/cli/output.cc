#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/context.h"

namespace kg::cli {

namespace {

bool want_color(int fd) {
  const char* no = std::getenv("NO_COLOR");
  if (no && *no) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return isatty(fd) == 1;
}

}  // namespace

Output::Output(const Globals& g)
    : json_(g.json), quiet_(g.quiet), color_out_(want_color(1)), color_err_(want_color(2)) {}

std::string Output::paint(std::string_view text, const char* sgr, bool for_stderr) const {
  if (!(for_stderr ? color_err_ : color_out_)) return std::string(text);
  return std::string("\033[") + sgr + "m" + std::string(text) + "\033[0m";
}

void Output::error(std::string_view msg) const {
  std::cerr << "kabsd-guard: " << paint("error:", "1;31", true) << " " << msg << "\n";
}

void Output::warning(std::string_view msg) const {
  if (quiet_) return;
  if (msg.substr(0, 9) == "warning: ") msg.remove_prefix(9);
  std::cerr << "kabsd-guard: " << paint("warning:", "1;33", true) << " " << msg << "\n";
}

void Output::note(std::string_view msg) const {
  if (quiet_) return;
  std::cerr << msg << "\n";
}

}  // namespace kg::cli
