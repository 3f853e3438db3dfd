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

}  // namespace

AsciiToml ascii_toml(std::string_view s) {
  enum class In { Normal, Comment, Basic, Literal, MultiBasic, MultiLiteral };
  AsciiToml r;
  In in = In::Normal;
  int line = 1;
  auto at = [&](size_t i, std::string_view what) { return s.substr(i, what.size()) == what; };
  auto refuse = [&](const char* where) {
    r.error = std::string("a character that is not ASCII ") + where + "; the config is not read";
    r.error_line = line;
    return r;
  };
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    const bool ascii = static_cast<unsigned char>(c) < 0x80;
    if (c == '\n') ++line;
    if (!ascii) {
      size_t len = 1;
      const char32_t cp = decode(s, i, &len);
      switch (in) {
        case In::Comment: break;  // dropped
        case In::Basic:
        case In::Literal:
        case In::MultiBasic: escape_to(r.text, cp); break;
        case In::MultiLiteral: return refuse("in a multi-line literal string (''')");
        case In::Normal: return refuse("outside a quoted string");
      }
      i += len;
      continue;
    }
    switch (in) {
      case In::Normal:
        if (c == '#') {
          in = In::Comment;
        } else if (at(i, "\"\"\"")) {
          r.text += "\"\"\"";
          i += 3;
          in = In::MultiBasic;
          continue;
        } else if (at(i, "'''")) {
          r.text += "'''";
          i += 3;
          in = In::MultiLiteral;
          continue;
        } else if (c == '"') {
          in = In::Basic;
        } else if (c == '\'') {
          r.text += '"';  // a literal string is written as a basic one
          ++i;
          in = In::Literal;
          continue;
        }
        r.text += c;
        break;
      case In::Comment:
        if (c == '\n') in = In::Normal;
        r.text += c;
        break;
      case In::Basic:
      case In::MultiBasic:
        if (c == '\\' && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80)
          return refuse("after a backslash");
        if (c == '\\' && i + 1 < s.size()) {
          if (s[i + 1] == '\n') ++line;
          r.text.append(s.substr(i, 2));
          i += 2;
          continue;
        }
        if (in == In::MultiBasic && at(i, "\"\"\"")) {
          r.text += "\"\"\"";
          i += 3;
          in = In::Normal;
          continue;
        }
        if (in == In::Basic && (c == '"' || c == '\n')) in = In::Normal;
        r.text += c;
        break;
      case In::Literal:
        if (c == '\'') {
          r.text += '"';
          in = In::Normal;
        } else if (c == '"' || c == '\\') {
          r.text += '\\';
          r.text += c;
        } else {
          if (c == '\n') in = In::Normal;  // unterminated: toml++ reports it
          r.text += c;
        }
        break;
      case In::MultiLiteral:
        if (at(i, "'''")) {
          r.text += "'''";
          i += 3;
          in = In::Normal;
          continue;
        }
        r.text += c;
        break;
    }
    ++i;
  }
  r.ok = true;
  return r;
}

}  // namespace kg
