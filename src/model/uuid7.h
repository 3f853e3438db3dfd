// The item identity: a UUIDv7, lower-case 8-4-4-4-12 hex whose first 48 bits
// are the creation time in Unix milliseconds (contract section 2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kg {

// True for a well-formed UUIDv7: lower-case hex, version nibble 7, RFC 4122
// variant, and a non-zero timestamp.
bool is_uuid7(std::string_view uid);
// The creation time in Unix milliseconds, for a valid UUIDv7.
std::optional<int64_t> uuid7_millis(std::string_view uid);
// "2026-11-28 00:20:31 UTC" for a valid UUIDv7, "" otherwise.
std::string uuid7_time_text(std::string_view uid);
// A fresh UUIDv7 from the system clock and the kernel's random source.
std::string new_uuid7();

}  // namespace kg
