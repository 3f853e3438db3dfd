#include "model/frontmatter_fast.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>

namespace kg {

namespace {

constexpr size_t npos = std::string_view::npos;
constexpr size_t kMaxKey = 128;
constexpr size_t kMaxTopKeys = 64;
constexpr size_t kMaxNestedKeys = 32;

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

// The YAML 1.2 core schema nulls that yaml-cpp turns into null nodes (only
// for plain scalars; an empty value is null too, handled by the callers).
bool is_null_word(std::string_view s) {
  return s == "null" || s == "Null" || s == "NULL" || s == "~";
}

bool is_indicator(char c) {
  switch (c) {
    case '-': case '?': case ':': case ',': case '[': case ']': case '{': case '}':
    case '#': case '&': case '*': case '!': case '|': case '>': case '\'': case '"':
    case '%': case '@': case '`':
      return true;
    default:
      return false;
  }
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Plain scalars inside a flow sequence: a deliberately small alphabet.
bool flow_plain_char(char c) {
  return is_alnum(c) || c == ' ' || c == '-' || c == '_' || c == '.' || c == '/' || c == '+' ||
         c == '~' || static_cast<unsigned char>(c) >= 0x80;
}
bool flow_plain_start(char c) { return c != ' ' && c != '-' && flow_plain_char(c); }

bool is_dash(std::string_view rest) { return rest[0] == '-' && (rest.size() == 1 || rest[1] == ' '); }

size_t skip_spaces(std::string_view t, size_t p) {
  while (p < t.size() && t[p] == ' ') ++p;
  return p;
}

// Only spaces remain from p, or spaces and then a comment ('#' after a space).
bool at_end(std::string_view t, size_t p) {
  const size_t q = skip_spaces(t, p);
  return q == t.size() || (t[q] == '#' && q > p);
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

enum class Field : uint8_t { Other, Id, Uid, Title, Type, Parent, Links, Decisions, RelatedItems };

Field field_of(std::string_view key) {
  switch (key.size()) {
    case 2: return key == "id" ? Field::Id : Field::Other;
    case 3: return key == "uid" ? Field::Uid : Field::Other;
    case 4: return key == "type" ? Field::Type : Field::Other;
    case 5: return key == "title" ? Field::Title : key == "links" ? Field::Links : Field::Other;
    case 6: return key == "parent" ? Field::Parent : Field::Other;
    case 9: return key == "decisions" ? Field::Decisions : Field::Other;
    case 13: return key == "related_items" ? Field::RelatedItems : Field::Other;
    default: return Field::Other;
  }
}

// The order in which parse_frontmatter() lists refs: field by field.
int ref_rank(Field f) {
  switch (f) {
    case Field::Parent: return 0;
    case Field::Links: return 1;
    case Field::Decisions: return 2;
    case Field::RelatedItems: return 3;
    default: return -1;
  }
}

const char* ref_name(Field f) {
  switch (f) {
    case Field::Parent: return "parent";
    case Field::Links: return "links";
    case Field::Decisions: return "decisions";
    default: return "related_items";
  }
}

template <size_t N>
bool add_key(std::array<std::string_view, N>& keys, size_t& n, std::string_view key) {
  if (n == N) return false;
  for (size_t i = 0; i < n; ++i)
    if (keys[i] == key) return false;  // duplicate key
  keys[n++] = key;
  return true;
}

class Parser {
 public:
  Parser(std::string_view block, size_t block_offset, int first_line)
      : lines_(block), block_offset_(block_offset), first_line_(first_line) {}

  bool run(Frontmatter& fm) {
    fm_ = &fm;
    if (!lines_.peek()) return false;  // empty or comments only: yaml-cpp decides
    std::array<std::string_view, kMaxTopKeys> keys;
    size_t nkeys = 0;
    while (const Line* next = lines_.peek()) {
      if (next->indent != 0) return false;
      const Line line = lines_.take();
      std::string_view key;
      size_t p;
      if (!key_at(line.text, 0, &key, &p) || !add_key(keys, nkeys, key)) return false;
      const Field f = field_of(key);
      if (f == Field::Id) {
        fm.has_id_key = true;
        locate_id(line);
      }
      if (!at_end(line.text, p)) {
        if (!inline_value(line, skip_spaces(line.text, p), f, true)) return false;
        continue;
      }
      const Line* n = lines_.peek();  // an empty value: a block may follow
      if (!n || (n->indent == 0 && !is_dash(n->rest))) continue;  // null
      if (is_dash(n->rest)) {
        if (!block_seq(n->indent, 0, f)) return false;
      } else if (!nested_map(n->indent, f)) {
        return false;
      }
    }
    fm.status = Frontmatter::Status::Ok;
    // Refs are listed field by field; each field's refs are contiguous here
    // (keys are unique), so a stable sort keeps their document order.
    if (!ref_fields_in_order_) {
      std::vector<std::pair<int, Frontmatter::Ref>> ranked;
      ranked.reserve(fm.refs.size());
      for (size_t i = 0; i < fm.refs.size(); ++i) ranked.emplace_back(ref_ranks_[i], std::move(fm.refs[i]));
      std::stable_sort(ranked.begin(), ranked.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t i = 0; i < ranked.size(); ++i) fm.refs[i] = std::move(ranked[i].second);
    }
    return true;
  }

 private:
  // Same bytes as locate_id_value() in frontmatter.cc, which the yaml-cpp
  // path uses: in the accepted subset the first line starting with "id:" is
  // this one.
  void locate_id(const Line& line) {
    std::string_view t = line.text;
    const size_t colon = t.find(':');
    size_t v = colon + 1;
    while (v < t.size() && (t[v] == ' ' || t[v] == '\t')) ++v;
    size_t e = t.size();
    if (v < t.size() && (t[v] == '"' || t[v] == '\'')) {
      const size_t close = t.find(t[v], v + 1);
      e = close == npos ? t.size() : close + 1;
    } else {
      const size_t hash = t.find(" #", v);
      if (hash != npos) e = hash;
      while (e > v && (t[e - 1] == ' ' || t[e - 1] == '\t')) --e;
    }
    fm_->id_value_begin = block_offset_ + line.offset + v;
    fm_->id_value_end = block_offset_ + line.offset + e;
    fm_->id_line = first_line_ + line.index;
  }

  void emit(Field f, const Scalar& s, const Line& line, bool top) {
    if (s.null || f == Field::Other) return;
    if (top) {
      switch (f) {
        case Field::Id: fm_->id = s.str(); break;
        case Field::Uid: fm_->uid = s.str(); break;
        case Field::Title: fm_->title = s.str(); break;
        case Field::Type: fm_->type = s.str(); break;
        default: break;
      }
    }
    const int rank = ref_rank(f);
    if (rank < 0) return;
    std::string v = s.str();
    if (v.empty()) return;
    if (!fm_->refs.empty() && rank < ref_ranks_.back()) ref_fields_in_order_ = false;
    fm_->refs.push_back({ref_name(f), std::move(v), first_line_ + line.index});
    ref_ranks_.push_back(rank);
  }

  // A value on the key's (or dash's) line, starting at p (not at its end).
  bool inline_value(const Line& line, size_t p, Field f, bool top) {
    std::string_view t = line.text;
    if (t[p] == '[') return flow_seq(line, p, f);
    if (t[p] == '{') {
      const size_t q = skip_spaces(t, p + 1);
      return q < t.size() && t[q] == '}' && at_end(t, q + 1);
    }
    Scalar s;
    if (!block_scalar_at(t, p, &s)) return false;
    emit(f, s, line, top);
    return true;
  }

  bool flow_seq(const Line& line, size_t p, Field f) {
    std::string_view t = line.text;
    size_t i = skip_spaces(t, p + 1);
    if (i < t.size() && t[i] == ']') return at_end(t, i + 1);
    for (;;) {
      if (i >= t.size()) return false;
      Scalar s;
      if (t[i] == '\'' || t[i] == '"') {
        size_t after;
        if (!quoted_at(t, i, &s, &after)) return false;
        i = skip_spaces(t, after);
      } else {
        if (!flow_plain_start(t[i])) return false;
        const size_t b = i;
        while (i < t.size() && flow_plain_char(t[i])) ++i;
        size_t e = i;
        while (e > b && t[e - 1] == ' ') --e;
        s.raw = t.substr(b, e - b);
        s.null = is_null_word(s.raw);
      }
      emit(f, s, line, false);
      if (i >= t.size()) return false;
      if (t[i] == ']') return at_end(t, i + 1);
      if (t[i] != ',') return false;
      i = skip_spaces(t, i + 1);
      if (i < t.size() && t[i] == ']') return false;  // trailing comma
    }
  }

  // A block sequence of scalars at `seq_indent`, the value of a key of the
  // mapping at `map_indent` (seq_indent == map_indent: the compact form).
  bool block_seq(size_t seq_indent, size_t map_indent, Field f) {
    while (const Line* next = lines_.peek()) {
      if (next->indent < map_indent) return true;
      const bool dash = is_dash(next->rest);
      if (next->indent == map_indent && !(seq_indent == map_indent && dash)) return true;
      if (next->indent != seq_indent || !dash) return false;
      const Line line = lines_.take();
      const size_t p = line.indent + 1;
      if (at_end(line.text, p)) return false;  // a null item
      Scalar s;
      if (!block_scalar_at(line.text, skip_spaces(line.text, p), &s)) return false;
      emit(f, s, line, false);
    }
    return true;
  }

  // A block mapping at `indent` (> 0), the value of the top-level key `f`.
  bool nested_map(size_t indent, Field f) {
    std::array<std::string_view, kMaxNestedKeys> keys;
    size_t nkeys = 0;
    while (const Line* next = lines_.peek()) {
      if (next->indent == 0) return true;
      if (next->indent != indent) return false;
      const Line line = lines_.take();
      std::string_view key;
      size_t p;
      if (!key_at(line.text, indent, &key, &p) || !add_key(keys, nkeys, key)) return false;
      if (!at_end(line.text, p)) {
        if (!inline_value(line, skip_spaces(line.text, p), f, false)) return false;
        continue;
      }
      const Line* n = lines_.peek();
      if (!n || n->indent < indent || (n->indent == indent && !is_dash(n->rest))) continue;  // null
      if (!is_dash(n->rest)) return false;  // a deeper mapping or a continuation
      if (!block_seq(n->indent, indent, f)) return false;
    }
    return true;
  }

  Lines lines_;
  size_t block_offset_;
  int first_line_;
  Frontmatter* fm_ = nullptr;
  std::vector<int> ref_ranks_;
  bool ref_fields_in_order_ = true;
};

}  // namespace

std::optional<Frontmatter> parse_frontmatter_fast(std::string_view yaml_block, size_t block_offset,
                                                  int first_line) {
  if (!clean_bytes(yaml_block)) return std::nullopt;
  Frontmatter fm;
  Parser parser(yaml_block, block_offset, first_line);
  if (!parser.run(fm)) return std::nullopt;
  return fm;
}

}  // namespace kg
