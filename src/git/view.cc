#include "git/view.h"

namespace kg {

View::~View() = default;

void View::walk(std::string_view dir, const Visit& visit) const {
  walk(dir, [](std::string_view) { return false; }, visit);
}

std::string_view trim_slashes(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace kg
