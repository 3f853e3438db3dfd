#include "model/toml_ascii.h"

#include <cstdint>
#include <cstdio>

namespace kg {

namespace {

// The code point of the UTF-8 sequence at `i` (well-formed), and its length.
char32_t decode(std::string_view s, size_t i, size_t* len) {
  const auto c = static_cast<unsigned char>(s[i]);
  const size_t n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  char32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *len = n;
  return cp;
}

void escape_to(std::string& out, char32_t cp) {
  char buf[16];
  if (cp <= 0xFFFF) std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(cp));
  else std::snprintf(buf, sizeof buf, "\\U%08X", static_cast<unsigned>(cp));
  out += buf;
}

enum class In { Normal, Comment, Basic, Literal, MultiBasic, MultiLiteral };

// One pass over the text: each step consumes the bytes at `i` in the current
// state and returns how many; 0 means refused (r.error is set).
class Asciifier {
 public:
  explicit Asciifier(std::string_view s) : s_(s) {}

  AsciiToml run() {
    for (size_t i = 0; i < s_.size();) {
      const char c = s_[i];
      if (c == '\n') ++line_;
      const size_t n = static_cast<unsigned char>(c) < 0x80 ? ascii(i) : non_ascii(i);
      if (n == 0) return r_;
      i += n;
    }
    r_.ok = true;
    return r_;
  }

 private:
  bool at(size_t i, std::string_view what) const { return s_.substr(i, what.size()) == what; }

  size_t refuse(const char* where) {
    r_.error = std::string("a character that is not ASCII ") + where + "; the config is not read";
    r_.error_line = line_;
    return 0;
  }

  // Dropped in a comment, escaped in a string that has escapes, refused
  // elsewhere.
  size_t non_ascii(size_t i) {
    size_t len = 1;
    const char32_t cp = decode(s_, i, &len);
    switch (in_) {
      case In::Comment: break;
      case In::Basic:
      case In::Literal:
      case In::MultiBasic: escape_to(r_.text, cp); break;
      case In::MultiLiteral: return refuse("in a multi-line literal string (''')");
      case In::Normal: return refuse("outside a quoted string");
    }
    return len;
  }

  // Copies `token` and enters `next`.
  size_t enter(std::string_view token, In next) {
    r_.text += token;
    in_ = next;
    return token.size();
  }

  size_t ascii(size_t i) {
    const char c = s_[i];
    switch (in_) {
      case In::Normal: return normal(i);
      case In::Comment:
        if (c == '\n') in_ = In::Normal;
        r_.text += c;
        return 1;
      case In::Basic:
      case In::MultiBasic: return basic(i);
      case In::Literal: return literal(c);
      case In::MultiLiteral:
        if (at(i, "'''")) return enter("'''", In::Normal);
        r_.text += c;
        return 1;
    }
    return 1;
  }

  size_t normal(size_t i) {
    const char c = s_[i];
    if (at(i, "\"\"\"")) return enter("\"\"\"", In::MultiBasic);
    if (at(i, "'''")) return enter("'''", In::MultiLiteral);
    if (c == '\'') return enter("\"", In::Literal);  // a literal string is written as a basic one
    if (c == '#') in_ = In::Comment;
    else if (c == '"') in_ = In::Basic;
    r_.text += c;
    return 1;
  }

  size_t basic(size_t i) {
    const char c = s_[i];
    if (c == '\\' && i + 1 < s_.size()) {
      if (static_cast<unsigned char>(s_[i + 1]) >= 0x80) return refuse("after a backslash");
      if (s_[i + 1] == '\n') ++line_;
      r_.text.append(s_.substr(i, 2));
      return 2;
    }
    if (in_ == In::MultiBasic && at(i, "\"\"\"")) return enter("\"\"\"", In::Normal);
    if (in_ == In::Basic && (c == '"' || c == '\n')) in_ = In::Normal;
    r_.text += c;
    return 1;
  }

  size_t literal(char c) {
    if (c == '\'') return enter("\"", In::Normal);
    if (c == '"' || c == '\\') r_.text += '\\';
    else if (c == '\n') in_ = In::Normal;  // unterminated: toml++ reports it
    r_.text += c;
    return 1;
  }

  std::string_view s_;
  AsciiToml r_;
  In in_ = In::Normal;
  int line_ = 1;
};

}  // namespace

AsciiToml ascii_toml(std::string_view s) { return Asciifier(s).run(); }

}  // namespace kg
