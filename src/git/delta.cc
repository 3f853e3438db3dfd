#include "git/delta.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace kg {

namespace {

// A size in the delta header: 7 bits a byte, least significant first.
bool read_size(const unsigned char*& p, const unsigned char* end, uint64_t& out) {
  out = 0;
  for (unsigned shift = 0; p < end && shift < 64; shift += 7) {
    const unsigned char c = *p++;
    out |= uint64_t{c & 0x7Fu} << shift;
    if (!(c & 0x80)) return true;
  }
  return false;
}

}  // namespace

bool apply_delta(std::string_view base, std::string_view delta, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(delta.data());
  const unsigned char* end = p + delta.size();
  uint64_t base_size = 0, size = 0;
  if (!read_size(p, end, base_size) || base_size != base.size()) return false;
  if (!read_size(p, end, size) || size > out.max_size()) return false;
  // Each instruction makes at most max(base, 127) bytes: a declared size
  // beyond that is a lie, and is not allocated (fuzz/known/delta-*).
  const uint64_t per_op = std::max<uint64_t>(base.size(), 127);
  if (size > static_cast<uint64_t>(end - p) * per_op) return false;
  out.resize(static_cast<size_t>(size));
  size_t at = 0;
  while (p < end) {
    const unsigned char op = *p++;
    if (op & 0x80) {  // copy from the base: offset and size bytes as flagged
      uint64_t offset = 0, length = 0;
      for (unsigned i = 0; i < 4; ++i)
        if (op & (1u << i)) {
          if (p == end) return false;
          offset |= uint64_t{*p++} << (8 * i);
        }
      for (unsigned i = 0; i < 3; ++i)
        if (op & (0x10u << i)) {
          if (p == end) return false;
          length |= uint64_t{*p++} << (8 * i);
        }
      if (length == 0) length = 0x10000;
      if (offset > base.size() || length > base.size() - offset || length > out.size() - at) return false;
      std::memcpy(out.data() + at, base.data() + offset, static_cast<size_t>(length));
      at += static_cast<size_t>(length);
    } else if (op != 0) {  // insert the next `op` bytes
      if (op > static_cast<size_t>(end - p) || op > out.size() - at) return false;
      std::memcpy(out.data() + at, p, op);
      p += op;
      at += op;
    } else {  // reserved
      return false;
    }
  }
  return at == out.size();
}

}  // namespace kg
