#include "model/pyyaml_key.h"

#include <memory>

namespace kg {

namespace {

constexpr int kMaxDepth = 32;
constexpr int kMaxVisits = 4096;

// PyYAML's merge key: a plain `<<` without a tag ("?": not quoted, not
// tagged), or one tagged !!merge.
bool is_merge_key(const YAML::Node& key) {
  return key.IsScalar() && key.Scalar() == "<<" && (key.Tag() == "?" || key.Tag() == "tag:yaml.org,2002:merge");
}

struct Walk {
  std::string_view key;
  int visits = 0;
  KeyReading out;
};

// Results are held by unique_ptr: never assigned as YAML::Node (see the
// header), and GCC 12 misreads an optional<YAML::Node> as uninitialized.
using Found = std::unique_ptr<YAML::Node>;

Found lookup(const YAML::Node& map, Walk& w, int depth);

// The value a merge key's value gives the key: a mapping, or the first of a
// sequence of mappings that has it.
Found merged_value(const YAML::Node& value, Walk& w, int depth) {
  if (value.IsMap()) return lookup(value, w, depth + 1);
  if (!value.IsSequence()) {
    w.out.invalid_merge = true;  // PyYAML refuses the file
    return nullptr;
  }
  Found first;
  for (const YAML::Node& sub : value) {
    if (!sub.IsMap()) {
      w.out.invalid_merge = true;
      continue;
    }
    Found got = lookup(sub, w, depth + 1);
    if (got && !first) first = std::move(got);
  }
  return first;
}

Found lookup(const YAML::Node& map, Walk& w, int depth) {
  if (depth > kMaxDepth || ++w.visits > kMaxVisits) return nullptr;
  Found own, merged;
  int own_line = -1;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (is_merge_key(key)) {
      if (Found got = merged_value(it->second, w, depth)) merged = std::move(got);
    } else if (key.IsScalar() && key.Scalar() == w.key) {
      own = std::make_unique<YAML::Node>(it->second);
      own_line = key.Mark().line;
      w.out.written.push_back(it->second);
      if (depth > 0) w.out.merged = true;
    }
  }
  if (depth == 0) {
    w.out.own = own != nullptr;
    w.out.own_key_line = own_line;
  }
  return own ? std::move(own) : std::move(merged);
}

std::string shown(const YAML::Node& v) {
  if (v.IsNull()) return "null";
  if (v.IsScalar()) return v.Scalar();
  return v.IsMap() ? "a mapping" : "a list";
}

}  // namespace

KeyReading pyyaml_key(const YAML::Node& map, std::string_view key) {
  Walk w;
  w.key = key;
  if (map.IsMap())
    if (Found v = lookup(map, w, 0)) w.out.value.emplace(*v);
  return std::move(w.out);
}

std::string describe_ambiguity(std::string_view key, const KeyReading& reading) {
  std::string values;
  for (const YAML::Node& v : reading.written) {
    if (!values.empty()) values += ", then ";
    values += shown(v);
  }
  std::string out = "'" + std::string(key) + "'";
  if (reading.merged) out += " comes through a YAML merge key ('<<') and";
  out += " is written " + std::to_string(reading.written.size()) + (reading.written.size() == 1 ? " time" : " times");
  out += " (" + values + "); the Python tool (PyYAML) reads " +
         (reading.value ? shown(*reading.value) : std::string("no value")) +
         ", and so does kabsd-guard; write it once";
  return out;
}

}  // namespace kg
