// Git's delta application (git/delta.h). The input is a base and a delta:
// two bytes (little-endian) give the base's length, the base follows, the
// rest is the delta. A delta that applies yields exactly the size it
// declares.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "git/delta.h"

namespace {

// The result size a delta declares (its second varint); false when absent.
bool declared_size(std::string_view delta, uint64_t& size) {
  size_t i = 0;
  for (int n = 0; n < 2; ++n) {
    size = 0;
    unsigned shift = 0;
    for (;;) {
      if (i == delta.size() || shift >= 64) return false;
      const auto c = static_cast<unsigned char>(delta[i++]);
      size |= uint64_t{c & 0x7Fu} << shift;
      shift += 7;
      if (!(c & 0x80)) break;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t base_len = data[0] | (size_t{data[1]} << 8);
  if (base_len > size - 2) base_len = size - 2;
  const std::string_view base(reinterpret_cast<const char*>(data) + 2, base_len);
  const std::string_view delta(reinterpret_cast<const char*>(data) + 2 + base_len, size - 2 - base_len);
  std::string out = "previous contents";  // apply_delta replaces it
  if (!kg::apply_delta(base, delta, out)) return 0;
  uint64_t want = 0;
  if (!declared_size(delta, want) || out.size() != want) std::abort();
  return 0;
}
