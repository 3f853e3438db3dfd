#include "store/sequences.h"

#include <algorithm>

#include "model/id.h"

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

namespace {

// Column `col` of `st` (next_number) as a sequence value, or nullopt for a
// value that counts as nothing (described in `odd`).
std::optional<int64_t> stored_value(Statement& st, int col, const std::string& prefix, const std::string& code,
                                    OddValues* odd) {
  const std::string type = st.column_text(col + 1);
  const std::string shown = st.column_is_null(col) ? std::string("NULL") : st.column_text(col);
  auto note = [&](const std::string& what) {
    if (odd)
      odd->messages.push_back("the stored value of " + prefix + "-" + code + " is " + what + " (" + shown + ")");
  };
  if (type != "integer") {
    note("not an integer but " + type + ": it counts as nothing handed out, and the next sync or reservation "
         "replaces it");
    return std::nullopt;
  }
  const int64_t v = st.column_int64(col);
  if (v < 0) {
    note("negative: it counts as nothing handed out, and the next sync or reservation replaces it");
    return std::nullopt;
  }
  if (v > kMaxNumber)
    note("above " + std::to_string(kMaxNumber) +
         ", the largest number an ID may carry: it is left as it is, and reservations of this sequence are "
         "refused until it is set right by hand");
  return v;
}

}  // namespace

std::map<SequenceKey, int64_t> read_sequences(Database& db, OddValues* odd) {
  std::map<SequenceKey, int64_t> out;
  if (!has_sequence_table(db)) return out;
  Statement st = db.prepare("SELECT prefix, type_code, next_number, typeof(next_number) FROM id_sequences");
  while (st.step()) {
    const std::string prefix = st.column_text(0), code = st.column_text(1);
    if (std::optional<int64_t> v = stored_value(st, 2, prefix, code, odd)) out[{prefix, code}] = *v;
  }
  return out;
}

std::optional<int64_t> read_sequence(Database& db, std::string_view prefix, std::string_view type_code,
                                     OddValues* odd) {
  if (!has_sequence_table(db)) return std::nullopt;
  Statement st = db.prepare(
      "SELECT prefix, type_code, next_number, typeof(next_number) FROM id_sequences "
      "WHERE upper(prefix) = upper(?1) AND upper(type_code) = upper(?2)");
  st.bind(1, prefix).bind(2, type_code);
  std::optional<int64_t> best;
  while (st.step())
    if (std::optional<int64_t> v = stored_value(st, 2, st.column_text(0), st.column_text(1), odd))
      best = std::max(best.value_or(0), *v);
  return best;
}

void raise_sequence(Database& db, std::string_view prefix, std::string_view type_code, int64_t value) {
  Statement st = db.prepare(
      "INSERT INTO id_sequences (prefix, type_code, next_number) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (prefix, type_code) DO UPDATE SET next_number = CASE "
      "WHEN typeof(next_number) <> 'integer' OR next_number < excluded.next_number THEN excluded.next_number "
      "ELSE next_number END");
  st.bind(1, prefix).bind(2, type_code).bind(3, value);
  st.step();
}

}  // namespace kg
