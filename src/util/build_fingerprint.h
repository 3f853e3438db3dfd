// Which build wrote a cache. A cache row holds what some code computed from
// a file (its facts, its claims); when that code changes, the row means
// something else. So every cache is keyed on the fingerprint of the build
// that wrote it (a hash of the binary's sources, the project version and
// the libraries that parse), and a cache from any other build is dropped
// and rebuilt: no hand-bumped version to forget.
#pragma once

#include <cstdint>
#include <string_view>

namespace kg {

// The fingerprint of this build, as 64 hex digits.
std::string_view build_fingerprint();

// A 31-bit value for SQLite's `PRAGMA user_version` of the cache named
// `cache`: this build's fingerprint mixed with that name. Never 0 (the
// value of a new database).
int32_t cache_user_version(std::string_view cache);

}  // namespace kg
