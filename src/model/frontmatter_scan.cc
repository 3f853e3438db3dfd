#include "model/frontmatter_scan.h"

#include <cstdint>

namespace kg::fm_fast {

// Every byte is printable ASCII, a "\n", a "\r" right before a "\n", or part
// of a well-formed UTF-8 sequence for a code point that no YAML reader could
// take for a break, a BOM or a control character.
bool clean_bytes(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    if (c >= 0x20 && c < 0x7F) {
      ++i;
      continue;
    }
    if (c == '\n') {
      ++i;
      continue;
    }
    if (c == '\r') {
      if (i + 1 < n && p[i + 1] == '\n') {
        i += 2;
        continue;
      }
      return false;
    }
    if (c < 0xC2 || c > 0xF4) return false;  // tab, controls, DEL, stray or overlong lead
    size_t len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n - i < len) return false;
    uint32_t cp = c & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
    for (size_t k = 1; k < len; ++k) {
      const unsigned cc = p[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (len == 3 && cp < 0x800) return false;
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return false;
    if (cp <= 0x9F) return false;                     // C1 controls, NEL
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;   // surrogates
    if (cp == 0x2028 || cp == 0x2029) return false;   // line/paragraph separators
    if (cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) return false;
    i += len;
  }
  return true;
}

// The YAML 1.2 core schema nulls that yaml-cpp turns into null nodes (only
// for plain scalars; an empty value is null too, handled by the callers).
bool is_null_word(std::string_view s) {
  return s == "null" || s == "Null" || s == "NULL" || s == "~";
}

// A simple key at `p`: [A-Za-z_][A-Za-z0-9_-]* then ':' and a space or the
// line end. *after: just past the ':'.
bool key_at(std::string_view t, size_t p, std::string_view* key, size_t* after) {
  const size_t b = p;
  if (p >= t.size() || !(t[p] == '_' || (is_alnum(t[p]) && !(t[p] >= '0' && t[p] <= '9'))))
    return false;
  ++p;
  while (p < t.size() && (is_alnum(t[p]) || t[p] == '_' || t[p] == '-')) ++p;
  if (p >= t.size() || t[p] != ':' || p - b > kMaxKey) return false;
  if (p + 1 < t.size() && t[p + 1] != ' ') return false;
  *key = t.substr(b, p - b);
  *after = p + 1;
  return true;
}

// A quoted scalar opening at p, closed on the same line. *after: just past
// the closing quote.
bool quoted_at(std::string_view t, size_t p, Scalar* s, size_t* after) {
  const char q = t[p];
  size_t i = p + 1;
  for (;;) {
    if (i >= t.size()) return false;  // continues on the next line
    const char c = t[i];
    if (q == '"' && c == '\\') return false;
    if (c == q) {
      if (q == '\'' && i + 1 < t.size() && t[i + 1] == '\'') {
        i += 2;
        continue;
      }
      break;
    }
    ++i;
  }
  s->raw = t.substr(p + 1, i - p - 1);
  s->quote = q;
  s->null = false;
  *after = i + 1;
  return true;
}

// A scalar in block context starting at p (not a space). A quoted one may be
// followed by a comment; a plain one runs to the line end (a plain scalar
// followed by a comment declines, as does one with ": " or a trailing ':').
bool block_scalar_at(std::string_view t, size_t p, Scalar* s) {
  const char c = t[p];
  if (c == '\'' || c == '"') {
    size_t after;
    return quoted_at(t, p, s, &after) && at_end(t, after);
  }
  if (is_indicator(c)) return false;
  for (size_t i = p + 1; i < t.size(); ++i) {
    if (t[i] == ':' && (i + 1 == t.size() || t[i + 1] == ' ')) return false;
    if (t[i] == '#' && t[i - 1] == ' ') return false;
  }
  size_t e = t.size();
  while (e > p && t[e - 1] == ' ') --e;
  s->raw = t.substr(p, e - p);
  s->quote = 0;
  s->null = is_null_word(s->raw);
  return true;
}

}  // namespace kg::fm_fast
