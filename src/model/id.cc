#include "model/id.h"

#include <cctype>

#include "util/strings.h"

namespace kg {

namespace {

struct TypeName {
  std::string_view name;
  TypeCode type;
};

constexpr TypeName kTypeNames[] = {
    {"EPIC", TypeCode::Epic},      {"FTR", TypeCode::Feature},      {"FEATURE", TypeCode::Feature},
    {"USR", TypeCode::UserStory},  {"USERSTORY", TypeCode::UserStory}, {"STORY", TypeCode::UserStory},
    {"USER-STORY", TypeCode::UserStory}, {"USER_STORY", TypeCode::UserStory},
    {"TSK", TypeCode::Task},       {"TASK", TypeCode::Task},        {"BUG", TypeCode::Bug},
    {"ADR", TypeCode::Adr},        {"DECISION", TypeCode::Adr},
};

std::optional<TypeCode> parse_code_only(std::string_view code) {
  for (TypeCode t : kAllTypes)
    if (equals_icase(code, type_code(t))) return t;
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

bool alnum_word(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

std::optional<int64_t> parse_number(std::string_view s) {
  if (!all_digits(s) || s.size() > static_cast<size_t>(kMaxNumberDigits)) return std::nullopt;
  int64_t n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

}  // namespace

std::optional<TypeCode> parse_type(std::string_view text) {
  std::string_view t = trim(text);
  for (const TypeName& tn : kTypeNames)
    if (equals_icase(t, tn.name)) return tn.type;
  return std::nullopt;
}

std::string_view type_code(TypeCode t) {
  switch (t) {
    case TypeCode::Epic: return "EPIC";
    case TypeCode::Feature: return "FTR";
    case TypeCode::UserStory: return "USR";
    case TypeCode::Task: return "TSK";
    case TypeCode::Bug: return "BUG";
    case TypeCode::Adr: return "ADR";
  }
  return "TSK";
}

std::string_view type_folder(TypeCode t) {
  switch (t) {
    case TypeCode::Epic: return "epic";
    case TypeCode::Feature: return "feature";
    case TypeCode::UserStory: return "userstory";
    case TypeCode::Task: return "task";
    case TypeCode::Bug: return "bug";
    case TypeCode::Adr: return "decisions";
  }
  return "task";
}

std::string ItemId::display() const {
  std::string num = zero_pad(number, 4);
  if (type == TypeCode::Adr) return "ADR-" + num;
  return prefix + "-" + std::string(type_code(type)) + "-" + num;
}

std::string ItemId::sequence_key() const {
  return prefix + "/" + std::string(type_code(type));
}

std::optional<ItemId> parse_id(std::string_view text) {
  std::string_view s = trim(text);
  // Strip matching quotes a sloppy writer may have left in a value.
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    s = trim(s.substr(1, s.size() - 2));
  size_t last = s.rfind('-');
  if (last == std::string_view::npos) return std::nullopt;
  auto number = parse_number(s.substr(last + 1));
  if (!number) return std::nullopt;
  std::string_view head = s.substr(0, last);
  size_t mid = head.rfind('-');
  if (mid == std::string_view::npos) {
    // ADR-0001
    if (equals_icase(head, "ADR")) return ItemId{"", TypeCode::Adr, *number};
    return std::nullopt;
  }
  auto type = parse_code_only(head.substr(mid + 1));
  std::string_view prefix = head.substr(0, mid);
  if (!type || !alnum_word(prefix)) return std::nullopt;
  if (*type == TypeCode::Adr) return std::nullopt;  // ADRs carry no prefix
  return ItemId{to_upper(prefix), *type, *number};
}

std::optional<ItemId> parse_filename_id(std::string_view filename) {
  size_t slash = filename.rfind('/');
  if (slash != std::string_view::npos) filename = filename.substr(slash + 1);
  if (filename.size() > 3 && equals_icase(filename.substr(filename.size() - 3), ".md"))
    filename = filename.substr(0, filename.size() - 3);
  size_t us = filename.find('_');
  return parse_id(filename.substr(0, us));
}

std::string bucket_for(int64_t number) {
  return zero_pad((number / 100) * 100, 4);
}

}  // namespace kg
