// Which value a key of a YAML mapping has when the Python tool reads it
// (contract section 3): PyYAML `safe_load` applies merge keys (`<<: *x`,
// `<<: [*x, *y]`) and, for a key written twice, keeps the last value.
// yaml-cpp 0.7 does neither (`node["id"]` is the first value, and `<<` is an
// ordinary key), so the keys that claim (`id`, `uid`) are read through this.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kg {

struct KeyReading {
  std::optional<YAML::Node> value;  // what PyYAML assigns; nullopt when the key is absent
  std::vector<YAML::Node> written;   // every value written for the key, the merged ones too
  bool merged = false;               // a value came through a merge key
  bool own = false;                  // `value` is written in the mapping itself...
  int own_key_line = -1;             // ...under a key on this 0-based line
  // A merge key whose value is not a mapping or a list of mappings: PyYAML
  // refuses the whole file (ConstructorError).
  bool invalid_merge = false;
  bool defined() const { return value.has_value(); }
  // Repeated, or reached through a merge key: readers may disagree.
  bool ambiguous() const { return merged || written.size() > 1; }
};

// PyYAML's reading of `key` in `map` (a YAML mapping node). As PyYAML's
// flatten_mapping: keys written in the mapping itself override merged ones,
// a later `<<` overrides an earlier one, and in `<<: [*a, *b]` the first
// mapping that has the key wins. A quoted "<<" is an ordinary key. Bounded
// (depth and nodes visited), so an alias bomb under `<<` cannot hang it.
// Never assigns one YAML::Node to another: yaml-cpp's assignment rewires
// the node assigned to, which would change the document being read.
KeyReading pyyaml_key(const YAML::Node& map, std::string_view key);

// "'id' is written 2 times (A, then B); the Python tool (PyYAML) reads B":
// the message of an ambiguous-key finding.
std::string describe_ambiguity(std::string_view key, const KeyReading& reading);

}  // namespace kg
