#include "util/build_fingerprint.h"

namespace kg {

extern const char kBuildFingerprint[];  // generated: cmake/fingerprint.cmake

std::string_view build_fingerprint() { return kBuildFingerprint; }

int32_t cache_user_version(std::string_view cache) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  };
  mix(build_fingerprint());
  mix("\n");
  mix(cache);
  const auto v = static_cast<int32_t>((h ^ (h >> 31) ^ (h >> 62)) & 0x7fffffff);
  return v == 0 ? 1 : v;
}

}  // namespace kg
