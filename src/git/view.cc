#include "git/view.h"

#include <numeric>

namespace kg {

View::~View() = default;

std::vector<size_t> View::read_order(const std::vector<git_oid>& oids) const {
  std::vector<size_t> order(oids.size());
  std::iota(order.begin(), order.end(), size_t{0});
  return order;
}

void View::walk(std::string_view dir, const Visit& visit) const {
  walk(dir, [](std::string_view) { return false; }, visit);
}

std::string_view trim_slashes(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace kg
