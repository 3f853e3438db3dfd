#include "store/journal.h"

#include <filesystem>

namespace kg {

std::string journal_path(const std::string& common_dir) {
  return (std::filesystem::path(common_dir) / "kabsd-guard" / "journal.sqlite3").string();
}

bool Journal::has_table() const {
  Statement st = db_.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reservations'");
  return st.step();
}

std::optional<int64_t> Journal::max_for(std::string_view prefix, std::string_view type_code) const {
  if (!has_table()) return std::nullopt;
  Statement st = db_.prepare("SELECT max(number) FROM reservations WHERE prefix = ?1 AND type_code = ?2");
  st.bind(1, prefix).bind(2, type_code);
  if (!st.step() || st.column_is_null(0)) return std::nullopt;
  return st.column_int64(0);
}

std::map<SequenceKey, int64_t> Journal::max_all() const {
  std::map<SequenceKey, int64_t> out;
  if (!has_table()) return out;
  Statement st = db_.prepare("SELECT prefix, type_code, max(number) FROM reservations GROUP BY prefix, type_code");
  while (st.step()) out[{st.column_text(0), st.column_text(1)}] = st.column_int64(2);
  return out;
}

void Journal::record(const JournalEntry& entry) {
  Statement st = db_.prepare(
      "INSERT INTO reservations (prefix, type_code, number, uid, worktree, reserved_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  st.bind(1, entry.prefix).bind(2, entry.type_code).bind(3, entry.number);
  if (entry.uid.empty())
    st.bind_null(4);
  else
    st.bind(4, entry.uid);
  st.bind(5, entry.worktree).bind(6, entry.reserved_at);
  st.step();
}

}  // namespace kg
