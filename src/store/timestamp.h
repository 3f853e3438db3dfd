// UTC timestamps for journal rows and for the names of files moved aside.
#pragma once

#include <string>

namespace kg {

// "2025-03-01T12:34:56.789Z"
std::string utc_now_iso();
// "20250301T123456Z", safe in a file name.
std::string utc_now_compact();

}  // namespace kg
