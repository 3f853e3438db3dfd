#include "model/frontmatter.h"

#include <yaml-cpp/yaml.h>

#include <cstring>

#include "model/frontmatter_fast.h"
#include "model/pyyaml_key.h"

namespace kg {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// A frontmatter longer than this is not one a tool wrote; stop looking.
constexpr size_t kMaxFrontmatter = 1 << 20;

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

void collect_refs(const YAML::Node& node, const std::string& field, int first_line,
                  std::vector<Frontmatter::Ref>& out) {
  if (!node) return;
  if (node.IsScalar()) {
    std::string v = node.Scalar();
    if (!v.empty()) out.push_back({field, v, first_line + node.Mark().line});
  } else if (node.IsSequence()) {
    for (const auto& child : node) collect_refs(child, field, first_line, out);
  } else if (node.IsMap()) {
    for (const auto& kv : node) collect_refs(kv.second, field, first_line, out);
  }
}

std::optional<std::string> scalar(const YAML::Node& node) {
  if (!node || !node.IsScalar()) return std::nullopt;
  return node.Scalar();
}

// Finds the last top-level `id:` line inside [begin, end) (the one PyYAML
// reads when the key is repeated) and records where its value sits, so that
// a rewrite can change exactly those bytes.
void locate_id_value(std::string_view s, size_t begin, size_t end, int first_line,
                     Frontmatter& fm) {
  size_t pos = begin;
  int line_no = first_line;
  while (pos < end) {
    size_t next;
    std::string_view line = line_at(s, pos, &next);
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
      fm.id_line = line_no;  // not returning: a repeated key's last value counts
    }
    pos = next;
    ++line_no;
  }
}

// Which parser reads the YAML block: the fast path with the yaml-cpp fallback
// (Auto), yaml-cpp alone, or the fast path alone (sets *declined).
enum class YamlPath { Auto, YamlCpp, FastOnly };

Frontmatter parse(std::string_view content, YamlPath path, bool* declined) {
  Frontmatter fm;
  size_t pos = content.substr(0, 3) == kBom ? 3 : 0;
  size_t next;
  if (pos >= content.size() || !is_fence(line_at(content, pos, &next))) {
    fm.status = Frontmatter::Status::Missing;  // a document, whatever its bytes
    fm.error = "the file does not start with a '---' line";
    return fm;
  }
  if (std::memchr(content.data(), '\0', std::min<size_t>(content.size(), 8000)) != nullptr) {
    fm.status = Frontmatter::Status::Binary;
    fm.error = "binary file (contains NUL bytes)";
    return fm;
  }
  const size_t yaml_begin = next;
  size_t yaml_end = std::string_view::npos;
  int line_no = 2;
  pos = next;
  while (pos < content.size() && pos - yaml_begin < kMaxFrontmatter) {
    std::string_view line = line_at(content, pos, &next);
    if (is_fence(line)) {
      yaml_end = pos;
      break;
    }
    pos = next;
    ++line_no;
  }
  if (yaml_end == std::string_view::npos) {
    fm.status = Frontmatter::Status::Unterminated;
    fm.error = "the frontmatter has no closing '---' line";
    fm.error_line = 1;
    return fm;
  }
  fm.body_begin = next;

  if (path != YamlPath::YamlCpp) {
    std::optional<Frontmatter> fast =
        parse_frontmatter_fast(content.substr(yaml_begin, yaml_end - yaml_begin), yaml_begin, 2);
    if (fast) {
      fast->body_begin = fm.body_begin;
      return std::move(*fast);
    }
    if (path == YamlPath::FastOnly) {
      *declined = true;
      return fm;
    }
  }

  YAML::Node root;
  try {
    root = YAML::Load(std::string(content.substr(yaml_begin, yaml_end - yaml_begin)));
  } catch (const YAML::Exception& e) {
    fm.status = Frontmatter::Status::Invalid;
    fm.error = e.msg;
    fm.error_line = 2 + (e.mark.line >= 0 ? e.mark.line : 0);
    return fm;
  }
  if (root.IsNull()) {  // an empty block: parsed, but says nothing
    fm.status = Frontmatter::Status::Ok;
    return fm;
  }
  if (!root.IsMap()) {
    fm.status = Frontmatter::Status::Invalid;
    fm.error = "the frontmatter is not a YAML mapping";
    fm.error_line = 2;
    return fm;
  }
  fm.status = Frontmatter::Status::Ok;
  try {
    // The keys that claim are read as the Python tool reads them.
    KeyReading id = pyyaml_key(root, "id"), uid = pyyaml_key(root, "uid");
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
    for (const char* field : {"parent", "links", "decisions", "related_items"})
      collect_refs(root[field], field, 2, fm.refs);
  } catch (const YAML::Exception& e) {
    fm.status = Frontmatter::Status::Invalid;
    fm.error = e.msg;
    fm.error_line = 2 + (e.mark.line >= 0 ? e.mark.line : 0);
    return fm;
  }
  locate_id_value(content, yaml_begin, yaml_end, 2, fm);
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
