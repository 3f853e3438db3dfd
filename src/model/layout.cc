#include "model/layout.h"

#include <cctype>

#include "util/strings.h"

namespace kg {

bool is_excluded_dir(std::string_view name) {
  static constexpr std::string_view kExcluded[] = {
      "_trash", "sandboxes", "views", "artifacts", "_meta", "topics", "worksets", "workset",
  };
  if (!name.empty() && name.front() == '.') return true;  // .cache, .git, editor folders
  for (std::string_view e : kExcluded)
    if (equals_icase(name, e)) return true;
  return false;
}

Entry classify(std::string_view rel) {
  auto parts = split(rel, '/');
  if (parts.size() < 2) return Entry::None;
  Entry kind;
  if (parts[0] == "items") kind = Entry::Item;
  else if (parts[0] == "decisions") kind = Entry::Adr;
  else return Entry::None;
  for (size_t i = 1; i + 1 < parts.size(); ++i)
    if (parts[i].empty() || is_excluded_dir(parts[i])) return Entry::None;
  std::string_view name = parts.back();
  if (name.size() <= 3 || !equals_icase(name.substr(name.size() - 3), ".md")) return Entry::None;
  if (equals_icase(name, "README.md")) return Entry::None;
  if (name.size() > 9 && equals_icase(name.substr(name.size() - 9), ".index.md")) return Entry::None;
  return kind;
}

std::string item_relpath(const ItemId& id, std::string_view slug) {
  std::string name = id.display();
  if (!slug.empty()) name += "_" + std::string(slug);
  name += ".md";
  if (id.type == TypeCode::Adr) return "decisions/" + name;
  return "items/" + std::string(type_folder(id.type)) + "/" + bucket_for(id.number) + "/" + name;
}

std::string slugify(std::string_view title) {
  std::string out;
  bool dash = false;
  for (char c : title) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) && u < 0x80) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += static_cast<char>(std::tolower(u));
    } else {
      dash = true;
    }
    if (out.size() >= 80) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "item" : out;
}

std::string slug_of(std::string_view filename) {
  size_t slash = filename.rfind('/');
  if (slash != std::string_view::npos) filename = filename.substr(slash + 1);
  if (filename.size() > 3 && equals_icase(filename.substr(filename.size() - 3), ".md"))
    filename.remove_suffix(3);
  size_t us = filename.find('_');
  return us == std::string_view::npos ? std::string() : std::string(filename.substr(us + 1));
}

}  // namespace kg
