// The server-side hooks of a bare repository (docs/hooks.md, "On the
// server"): pre-receive and update refuse a push whose branches introduce a
// duplicate ID, or would when merged into the default branch.
#pragma once

#include <istream>
#include <string>

#include "cli/session.h"

namespace kg::cli {

// `<old> <new> <ref>` lines on `in`, one per pushed ref.
int pre_receive(Session& s, std::istream& in);
// One ref, as git's update hook gets it. Does nothing when kabsd-guard's
// pre-receive hook is installed beside it (it checked the push already).
int update_hook(Session& s, const std::string& ref, const std::string& old_oid, const std::string& new_oid);

}  // namespace kg::cli
