// Git's binary delta format, as packs store it: a delta object is rebuilt
// from its base by copy and insert instructions (see git's
// Documentation/gitformat-pack.txt, "Deltified representation").
#pragma once

#include <string>
#include <string_view>

namespace kg {

// Applies `delta` to `base` into `out` (replaced). False when the delta is
// malformed or does not fit `base`; `out` is then unspecified.
bool apply_delta(std::string_view base, std::string_view delta, std::string& out);

}  // namespace kg
