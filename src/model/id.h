// Display IDs: `<PREFIX>-<CODE>-<NNNN>` for items, `ADR-NNNN` for decisions.
// Compared canonically: prefix and code case-insensitive, number as integer
// (contract section 2).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kg {

enum class TypeCode { Epic, Feature, UserStory, Task, Bug, Adr };

inline constexpr TypeCode kAllTypes[] = {TypeCode::Epic, TypeCode::Feature, TypeCode::UserStory,
                                         TypeCode::Task, TypeCode::Bug,     TypeCode::Adr};

// Accepts a code or a name in any case: TSK/Task, FTR/Feature,
// USR/UserStory/Story, EPIC/Epic, BUG/Bug, ADR/Decision.
std::optional<TypeCode> parse_type(std::string_view text);
// "EPIC", "FTR", "USR", "TSK", "BUG", "ADR".
std::string_view type_code(TypeCode t);
// The folder the Python tool writes today: epic, feature, userstory, task,
// bug; "decisions" for ADRs.
std::string_view type_folder(TypeCode t);

// The largest number an ID may carry: 15 digits. One definition for the
// parser, `reserve` and `sync` (issue 15): nothing hands out or stores as
// valid a number that `check` would call invalid.
inline constexpr int kMaxNumberDigits = 15;
inline constexpr int64_t kMaxNumber = 999'999'999'999'999;

struct ItemId {
  std::string prefix;  // upper case; empty for an ADR
  TypeCode type = TypeCode::Task;
  int64_t number = 0;

  // KABSD-TSK-0007, ADR-0012: number zero-padded to at least 4 digits.
  std::string display() const;
  // The key of the sequence a number comes from: "KABSD/TSK". ADRs have no
  // prefix in their ID; their sequences are kept per product by the caller.
  std::string sequence_key() const;

  friend bool operator==(const ItemId&, const ItemId&) = default;
  friend auto operator<=>(const ItemId&, const ItemId&) = default;
};

// Parses a display ID canonically. Leading/trailing blanks are ignored.
// "kabsd-tsk-302" -> KABSD-TSK-0302; "ADR-7" -> ADR-0007. The prefix is
// letters and digits (contract section 1).
std::optional<ItemId> parse_id(std::string_view text);

// The ID a filename carries: the part before the first '_' (without ".md").
std::optional<ItemId> parse_filename_id(std::string_view filename);

// The bucket folder: (number / 100) * 100, zero-padded to 4 digits.
std::string bucket_for(int64_t number);

}  // namespace kg
