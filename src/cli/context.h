// What every command shares: the global options and the output channels.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace kg::cli {

struct Globals {
  std::string dir;     // -C DIR
  std::string config;  // --config PATH
  std::string db;      // --db PATH
  bool json = false;
  bool quiet = false;
  bool verbose = false;  // say which engine (libgit2 or git) read what
};

// Thrown for a usage or input error: exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// stdout for results, stderr for everything else. Colour only on a terminal
// and never with NO_COLOR set (https://no-color.org) or TERM=dumb.
class Output {
 public:
  explicit Output(const Globals& g);
  bool json() const { return json_; }
  bool quiet() const { return quiet_; }
  bool color_out() const { return color_out_; }
  bool color_err() const { return color_err_; }

  void error(std::string_view msg) const;    // "kabsd-guard: error: ..." always
  void warning(std::string_view msg) const;  // "kabsd-guard: warning: ...", unless quiet
  void note(std::string_view msg) const;     // plain stderr line, unless quiet
  // Wraps `text` in an SGR colour when colour is on for the stream.
  std::string paint(std::string_view text, const char* sgr, bool for_stderr = false) const;

 private:
  bool json_, quiet_, color_out_, color_err_;
};

}  // namespace kg::cli
