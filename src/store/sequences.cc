#include "store/sequences.h"

namespace kg {

void ensure_sequence_table(Database& db) { db.exec(kSequenceTableSql); }

bool has_sequence_table(Database& db) {
  Statement st = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'id_sequences'");
  return st.step();
}

std::string check_sequence_table(Database& db) {
  Statement st = db.prepare("PRAGMA quick_check(id_sequences)");
  if (!st.step()) return "quick_check returned nothing";
  return st.column_text(0);
}

std::map<SequenceKey, int64_t> read_sequences(Database& db) {
  std::map<SequenceKey, int64_t> out;
  if (!has_sequence_table(db)) return out;
  Statement st = db.prepare("SELECT prefix, type_code, next_number FROM id_sequences");
  while (st.step()) out[{st.column_text(0), st.column_text(1)}] = st.column_int64(2);
  return out;
}

std::optional<int64_t> read_sequence(Database& db, std::string_view prefix, std::string_view type_code) {
  if (!has_sequence_table(db)) return std::nullopt;
  Statement st = db.prepare(
      "SELECT max(next_number) FROM id_sequences "
      "WHERE upper(prefix) = upper(?1) AND upper(type_code) = upper(?2)");
  st.bind(1, prefix).bind(2, type_code);
  if (!st.step() || st.column_is_null(0)) return std::nullopt;
  return st.column_int64(0);
}

void raise_sequence(Database& db, std::string_view prefix, std::string_view type_code, int64_t value) {
  Statement st = db.prepare(
      "INSERT INTO id_sequences (prefix, type_code, next_number) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (prefix, type_code) DO UPDATE SET next_number = max(next_number, excluded.next_number)");
  st.bind(1, prefix).bind(2, type_code).bind(3, value);
  st.step();
}

}  // namespace kg
