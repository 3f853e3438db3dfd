// Display IDs and file names (model/id.h). A parsed ID must print as an ID
// that parses back to itself, in its bucket.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/id.h"

namespace {

void round_trip(const kg::ItemId& id, std::string_view input) {
  const std::string shown = id.display();
  const auto again = kg::parse_id(shown);
  if (!again || !(*again == id)) {
    std::fprintf(stderr, "fuzz_id: \"%.*s\" parses, prints as \"%s\", which %s\n", static_cast<int>(input.size()),
                 input.data(), shown.c_str(), again ? "parses to another ID" : "does not parse");
    std::abort();
  }
  (void)id.sequence_key();
  if (id.number >= 0) (void)kg::bucket_for(id.number);
  (void)kg::type_folder(id.type);
  (void)kg::type_code(id.type);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto id = kg::parse_id(text)) round_trip(*id, text);
  if (auto id = kg::parse_filename_id(text)) round_trip(*id, text);
  (void)kg::parse_type(text);
  return 0;
}
