#include "model/frontmatter.h"

#include <yaml-cpp/yaml.h>

#include <cstring>

#include "model/frontmatter_fast.h"
#include "model/frontmatter_limits.h"
#include "model/pyyaml_key.h"

namespace kg {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The line starting at `pos`, without its "\n" or "\r\n".
std::string_view line_at(std::string_view s, size_t pos, size_t* next) {
  size_t nl = s.find('\n', pos);
  size_t end = nl == std::string_view::npos ? s.size() : nl;
  *next = nl == std::string_view::npos ? s.size() : nl + 1;
  std::string_view line = s.substr(pos, end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool is_fence(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line == "---";
}

// Refs below `node`, visiting at most `*budget` nodes: aliases are followed
// (a list may be an alias of another), so a few lines of anchors can stand
// for billions of nodes. False when the budget ran out.
// An alias to its own ancestor (`links: &a [*a]`) makes the structure
// cyclic: the depth is bounded too.
bool collect_refs(const YAML::Node& node, const std::string& field, int first_line,
                  std::vector<Frontmatter::Ref>& out, int* budget, int depth = 0) {
  if (!node) return true;
  if (--*budget < 0 || depth > kMaxFrontmatterDepth) return false;
  if (node.IsScalar()) {
    std::string v = node.Scalar();
    if (!v.empty()) out.push_back({field, v, first_line + node.Mark().line});
  } else if (node.IsSequence()) {
    for (const auto& child : node)
      if (!collect_refs(child, field, first_line, out, budget, depth + 1)) return false;
  } else if (node.IsMap()) {
    for (const auto& kv : node)
      if (!collect_refs(kv.second, field, first_line, out, budget, depth + 1)) return false;
  }
  return true;
}

// A block over a limit: not parsed; its claims from a line scan.
Frontmatter limited(std::string_view block, LimitHit hit) {
  Frontmatter fm;
  fm.status = Frontmatter::Status::Limit;
  fm.error = std::move(hit.what);
  fm.error_line = hit.line;
  ScannedClaims claims = scan_claims(block, 2);
  fm.has_id_key = claims.has_id_key;
  fm.id = std::move(claims.id);
  fm.uid = std::move(claims.uid);
  fm.id_line = claims.id_line;
  return fm;
}

std::optional<std::string> scalar(const YAML::Node& node) {
  if (!node || !node.IsScalar()) return std::nullopt;
  return node.Scalar();
}

// Records where the `id` value that was read sits, so that a rewrite can
// change exactly those bytes: on the line of its key (`key_line`, 0-based in
// the block starting at `begin`), which PyYAML's reading picked (the last of
// a repeated key; a continuation line of another value is no key). A key
// line not written `id:` or `"id":` gets its line number only.
void locate_id_value(std::string_view s, size_t begin, size_t end, int first_line, int key_line,
                     Frontmatter& fm) {
  size_t pos = begin;
  int line_no = first_line;
  while (pos < end) {
    size_t next;
    std::string_view line = line_at(s, pos, &next);
    if (line_no - first_line != key_line) {
      pos = next;
      ++line_no;
      continue;
    }
    fm.id_line = line_no;
    if (line.substr(0, 3) == "id:" ||
        (line.substr(0, 4) == "\"id\"" && line.size() > 4 && line[4] == ':')) {
      size_t colon = line.find(':');
      size_t v = colon + 1;
      while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
      size_t e = line.size();
      if (v < line.size() && (line[v] == '"' || line[v] == '\'')) {
        size_t close = line.find(line[v], v + 1);
        e = close == std::string_view::npos ? line.size() : close + 1;
      } else {
        size_t hash = line.find(" #", v);
        if (hash != std::string_view::npos) e = hash;
        while (e > v && (line[e - 1] == ' ' || line[e - 1] == '\t')) --e;
      }
      fm.id_value_begin = pos + v;
      fm.id_value_end = pos + e;
    }
    return;
  }
}

// Which parser reads the YAML block: the fast path with the yaml-cpp fallback
// (Auto), yaml-cpp alone, or the fast path alone (sets *declined).
enum class YamlPath { Auto, YamlCpp, FastOnly };

// Where the YAML between the two '---' lines sits in the content.
struct Block {
  size_t begin = 0, end = 0;
};

// The block of `content`, or nothing with `fm` saying why: no opening fence
// (a document), a binary file, no closing fence, a limit passed.
std::optional<Block> find_block(std::string_view content, Frontmatter& fm) {
  size_t pos = content.substr(0, 3) == kBom ? 3 : 0;
  size_t next;
  if (pos >= content.size() || !is_fence(line_at(content, pos, &next))) {
    fm.status = Frontmatter::Status::Missing;  // a document, whatever its bytes
    fm.error = "the file does not start with a '---' line";
    return std::nullopt;
  }
  if (std::memchr(content.data(), '\0', std::min<size_t>(content.size(), 8000)) != nullptr) {
    fm.status = Frontmatter::Status::Binary;
    fm.error = "binary file (contains NUL bytes)";
    return std::nullopt;
  }
  Block b{next, std::string_view::npos};
  pos = next;
  while (pos < content.size() && pos - b.begin < kMaxFrontmatterBytes) {
    std::string_view line = line_at(content, pos, &next);
    if (is_fence(line)) {
      b.end = pos;
      break;
    }
    pos = next;
  }
  if (b.end == std::string_view::npos) {
    if (pos - b.begin >= kMaxFrontmatterBytes) {
      fm = limited(content.substr(b.begin, kMaxFrontmatterBytes),
                   {"the frontmatter is longer than the limit of 1 MiB (no closing '---' line within it)", 1});
      return std::nullopt;
    }
    fm.status = Frontmatter::Status::Unterminated;
    fm.error = "the frontmatter has no closing '---' line";
    fm.error_line = 1;
    return std::nullopt;
  }
  fm.body_begin = next;
  if (std::optional<LimitHit> hit = check_limits(content.substr(b.begin, b.end - b.begin), 2)) {
    const size_t body = fm.body_begin;
    fm = limited(content.substr(b.begin, b.end - b.begin), std::move(*hit));
    fm.body_begin = body;
    return std::nullopt;
  }
  return b;
}

void set_invalid(Frontmatter& fm, const YAML::Exception& e) {
  fm.status = Frontmatter::Status::Invalid;
  fm.error = e.msg;
  fm.error_line = 2 + (e.mark.line >= 0 ? e.mark.line : 0);
}

// The keys of a parsed mapping into `fm`: `id` and `uid` as the Python tool
// (PyYAML) reads them, the title, the type and the references. Returns the
// 0-based line of the `id` key that was read, or -1; false (with `fm`
// invalid) when PyYAML could not read the block.
bool read_keys(const YAML::Node& root, Frontmatter& fm, int* id_key_line) {
  KeyReading id = pyyaml_key(root, "id"), uid = pyyaml_key(root, "uid");
  if (id.invalid_merge || uid.invalid_merge) {
    fm.status = Frontmatter::Status::Invalid;
    fm.error = "a merge key ('<<') whose value is not a mapping or a list of mappings: the Python tool (PyYAML) "
               "cannot read this frontmatter";
    fm.error_line = 2;
    return false;
  }
  if (id.own) *id_key_line = id.own_key_line;
  fm.has_id_key = id.defined();
  if (id.value) fm.id = scalar(*id.value);
  if (uid.value) fm.uid = scalar(*uid.value);
  for (const auto& [key, reading] : {std::pair{"id", &id}, std::pair{"uid", &uid}}) {
    if (!reading->ambiguous()) continue;
    if (!fm.ambiguity.empty()) fm.ambiguity += "; ";
    fm.ambiguity += describe_ambiguity(key, *reading);
    if (fm.ambiguity_line == 0) fm.ambiguity_line = 2 + reading->written.back().Mark().line;
  }
  fm.title = scalar(root["title"]).value_or("");
  fm.type = scalar(root["type"]).value_or("");
  int budget = kMaxFrontmatterNodes;
  for (const char* field : {"parent", "links", "decisions", "related_items"})
    if (!collect_refs(root[field], field, 2, fm.refs, &budget)) {
      fm.refs.clear();
      fm.limit = "the frontmatter's references expand to more than the limit of " +
                 std::to_string(kMaxFrontmatterNodes) + " YAML nodes or " + std::to_string(kMaxFrontmatterDepth) +
                 " levels (aliases); they are not read";
      break;
    }
  return true;
}

// yaml-cpp's reading of the block, the authority.
void read_with_yaml_cpp(std::string_view content, Block b, Frontmatter& fm) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(content.substr(b.begin, b.end - b.begin)));
  } catch (const YAML::Exception& e) {
    set_invalid(fm, e);
    return;
  }
  fm.status = Frontmatter::Status::Ok;
  if (root.IsNull()) return;  // an empty block: parsed, but says nothing
  if (!root.IsMap()) {
    fm.status = Frontmatter::Status::Invalid;
    fm.error = "the frontmatter is not a YAML mapping";
    fm.error_line = 2;
    return;
  }
  int id_key_line = -1;
  try {
    if (!read_keys(root, fm, &id_key_line)) return;
  } catch (const YAML::Exception& e) {
    set_invalid(fm, e);
    return;
  }
  if (id_key_line >= 0) locate_id_value(content, b.begin, b.end, 2, id_key_line, fm);
}

Frontmatter parse(std::string_view content, YamlPath path, bool* declined) {
  Frontmatter fm;
  const std::optional<Block> b = find_block(content, fm);
  if (!b) return fm;
  if (path != YamlPath::YamlCpp) {
    std::optional<Frontmatter> fast = parse_frontmatter_fast(content.substr(b->begin, b->end - b->begin), b->begin, 2);
    if (fast) {
      fast->body_begin = fm.body_begin;
      return std::move(*fast);
    }
    if (path == YamlPath::FastOnly) {
      *declined = true;
      return fm;
    }
  }
  read_with_yaml_cpp(content, *b, fm);
  return fm;
}

}  // namespace

Frontmatter parse_frontmatter(std::string_view content) {
  return parse(content, YamlPath::Auto, nullptr);
}

Frontmatter parse_frontmatter_yaml(std::string_view content) {
  return parse(content, YamlPath::YamlCpp, nullptr);
}

std::optional<Frontmatter> parse_frontmatter_fast_only(std::string_view content) {
  bool declined = false;
  Frontmatter fm = parse(content, YamlPath::FastOnly, &declined);
  if (declined) return std::nullopt;
  return fm;
}

}  // namespace kg
