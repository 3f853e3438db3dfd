#include "util/paths.h"

#include <vector>

namespace kg {

std::string path_normalize(std::string_view path) {
  bool absolute = !path.empty() && path.front() == '/';
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(start, slash - start);
    if (seg == "..") {
      if (!parts.empty() && parts.back() != "..") parts.pop_back();
      else if (!absolute) parts.push_back(seg);
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out = absolute ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out;
}

std::string path_join(std::string_view base, std::string_view rel) {
  if (!rel.empty() && rel.front() == '/') return path_normalize(rel);
  if (base.empty()) return path_normalize(rel);
  return path_normalize(std::string(base) + "/" + std::string(rel));
}

bool path_within(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;
  if (path.size() < dir.size() || path.substr(0, dir.size()) != dir) return false;
  return path.size() == dir.size() || path[dir.size()] == '/';
}

std::string_view path_relative(std::string_view path, std::string_view dir) {
  if (dir.empty()) return path;
  if (path.size() == dir.size()) return {};
  return path.substr(dir.size() + 1);
}

std::string_view path_basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view path_dirname(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::vector<std::string> path_ancestors(std::string_view start) {
  std::vector<std::string> dirs;
  std::string d = path_normalize(start);
  for (;;) {
    dirs.push_back(d);
    if (d.empty()) break;
    d = std::string(path_dirname(d));
  }
  return dirs;
}

}  // namespace kg
