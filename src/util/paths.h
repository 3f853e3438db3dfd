// Repository-relative path arithmetic: '/'-separated, no leading "./",
// "" for the root. Pure string work, no file system access.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kg {

// Joins and normalises: join("a/b", "../c") == "a/c"; an absolute `rel`
// wins. Leading ".." that cannot be resolved is kept.
std::string path_join(std::string_view base, std::string_view rel);
// Removes ".", empty segments and resolvable "..".
std::string path_normalize(std::string_view path);
// True when `path` is `dir` or inside it ("" contains everything).
bool path_within(std::string_view path, std::string_view dir);
// `path` relative to `dir` (which must contain it).
std::string_view path_relative(std::string_view path, std::string_view dir);
std::string_view path_basename(std::string_view path);
std::string_view path_dirname(std::string_view path);
// `start` (normalized), its parent, ... up to "" (the root), in that order.
std::vector<std::string> path_ancestors(std::string_view start);

}  // namespace kg
