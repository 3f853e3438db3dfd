// PyYAML's reading of a key (model/pyyaml_key.h) over any YAML document that
// yaml-cpp loads: repeated keys, merge keys, aliases. Every mapping reached
// from the root (a bounded walk) is asked for `id` and `uid`.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "model/pyyaml_key.h"

namespace {

void ask(const YAML::Node& node, int depth, int& budget) {
  if (depth > 8 || --budget < 0) return;
  if (node.IsMap()) {
    for (const char* key : {"id", "uid", "<<"}) {
      const kg::KeyReading r = kg::pyyaml_key(node, key);
      if (r.ambiguous()) (void)kg::describe_ambiguity(key, r);
    }
    for (const auto& kv : node) ask(kv.second, depth + 1, budget);
  } else if (node.IsSequence()) {
    for (const auto& item : node) ask(item, depth + 1, budget);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const std::exception&) {
    return 0;  // not YAML: nothing for pyyaml_key to read
  }
  int budget = 1000;
  try {
    ask(root, 0, budget);
  } catch (const YAML::Exception&) {
    // yaml-cpp's own conversions may throw on odd nodes; pyyaml_key's
    // callers catch these too (parse_frontmatter turns them into Invalid).
  }
  return 0;
}
