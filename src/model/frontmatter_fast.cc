#include "model/frontmatter_fast.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include "model/frontmatter_scan.h"

namespace kg {

namespace {

using namespace fm_fast;

constexpr size_t kMaxTopKeys = 64;
constexpr size_t kMaxNestedKeys = 32;

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
