// A tree object's content as git stores it: entries of "<octal mode>
// <name>\0<20-byte id>", in git's order.
#pragma once

#include <git2.h>

#include <functional>
#include <string_view>

namespace kg {

struct RawTreeEntry {
  git_filemode_t mode;  // normalized as libgit2's git_tree_entry_filemode
  std::string_view name;
  git_oid id;
};

// Calls `visit` for each entry of `data`, in order. False when `data` is not
// a well-formed tree (the entries before the fault have been visited).
bool parse_tree(std::string_view data, const std::function<void(const RawTreeEntry&)>& visit);

}  // namespace kg
