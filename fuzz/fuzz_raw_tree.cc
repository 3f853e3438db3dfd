// Raw tree objects (git/raw_tree.h): every entry visited has a name that is
// not empty and lies inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "git/raw_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view tree(reinterpret_cast<const char*>(data), size);
  size_t entries = 0;
  kg::parse_tree(tree, [&](const kg::RawTreeEntry& e) {
    if (e.name.empty() || e.name.data() < tree.data() || e.name.data() + e.name.size() > tree.data() + tree.size())
      std::abort();
    ++entries;
  });
  (void)entries;
  return 0;
}
