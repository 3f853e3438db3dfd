// The lexical layer of the frontmatter fast path (frontmatter_fast.h): the
// byte check, the scanner over significant lines, and the scalars of one
// line. Internal to src/model/; the parser on top of it is in
// frontmatter_fast.cc. The one-line character tests are here, inline; the
// rest is described where it is defined (frontmatter_scan.cc).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kg::fm_fast {

inline constexpr size_t npos = std::string_view::npos;
inline constexpr size_t kMaxKey = 128;

bool clean_bytes(std::string_view s);

// A significant line: neither blank nor a comment.
struct Line {
  std::string_view text;  // without "\n" or "\r\n"
  size_t offset = 0;      // of the line in the block
  int index = 0;          // 0-based line number in the block
  size_t indent = 0;      // leading spaces
  std::string_view rest;  // text after the indentation (never empty)
};

class Lines {
 public:
  explicit Lines(std::string_view s) : s_(s) { advance(); }
  const Line* peek() const { return has_ ? &cur_ : nullptr; }
  Line take() {
    Line l = cur_;
    advance();
    return l;
  }

 private:
  void advance() {
    has_ = false;
    while (pos_ < s_.size()) {
      const size_t nl = s_.find('\n', pos_);
      const size_t end = nl == npos ? s_.size() : nl;
      std::string_view text = s_.substr(pos_, end - pos_);
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      const size_t offset = pos_;
      const int index = index_;
      pos_ = nl == npos ? s_.size() : nl + 1;
      ++index_;
      const size_t ind = text.find_first_not_of(' ');
      if (ind == npos || text[ind] == '#') continue;  // blank or comment line
      cur_.text = text;
      cur_.offset = offset;
      cur_.index = index;
      cur_.indent = ind;
      cur_.rest = text.substr(ind);
      has_ = true;
      return;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  int index_ = 0;
  Line cur_;
  bool has_ = false;
};

struct Scalar {
  std::string_view raw;  // as written; for quoted scalars, between the quotes
  char quote = 0;        // 0 (plain), '\'' or '"'
  bool null = false;

  std::string str() const {
    if (quote != '\'' || raw.find('\'') == npos) return std::string(raw);
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      out.push_back(raw[i]);
      if (raw[i] == '\'') ++i;  // "''" is one quote
    }
    return out;
  }
};

bool is_null_word(std::string_view s);

inline bool is_indicator(char c) {
  switch (c) {
    case '-': case '?': case ':': case ',': case '[': case ']': case '{': case '}':
    case '#': case '&': case '*': case '!': case '|': case '>': case '\'': case '"':
    case '%': case '@': case '`':
      return true;
    default:
      return false;
  }
}

inline bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Plain scalars inside a flow sequence: a deliberately small alphabet.
inline bool flow_plain_char(char c) {
  return is_alnum(c) || c == ' ' || c == '-' || c == '_' || c == '.' || c == '/' || c == '+' ||
         c == '~' || static_cast<unsigned char>(c) >= 0x80;
}
inline bool flow_plain_start(char c) { return c != ' ' && c != '-' && flow_plain_char(c); }

inline bool is_dash(std::string_view rest) { return rest[0] == '-' && (rest.size() == 1 || rest[1] == ' '); }

inline size_t skip_spaces(std::string_view t, size_t p) {
  while (p < t.size() && t[p] == ' ') ++p;
  return p;
}

// Only spaces remain from p, or spaces and then a comment ('#' after a space).
inline bool at_end(std::string_view t, size_t p) {
  const size_t q = skip_spaces(t, p);
  return q == t.size() || (t[q] == '#' && q > p);
}

bool key_at(std::string_view t, size_t p, std::string_view* key, size_t* after);
bool quoted_at(std::string_view t, size_t p, Scalar* s, size_t* after);
bool block_scalar_at(std::string_view t, size_t p, Scalar* s);

}  // namespace kg::fm_fast
