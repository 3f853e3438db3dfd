// The `id_sequences` table of the Python tool's chunks database (contract
// section 4). The stored value (column `next_number`, despite its name) is
// the LAST number handed out: the Python tool increments it and uses the
// result. Functions here work inside the caller's transaction and never
// change anything else of the file (journal mode, other tables).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sqlite.h"

namespace kg {

// (prefix, type_code), for example ("KABSD", "TSK").
using SequenceKey = std::pair<std::string, std::string>;

// The schema, shared with the Python tool.
inline constexpr const char* kSequenceTableSql =
    "CREATE TABLE IF NOT EXISTS id_sequences (\n"
    "    prefix TEXT NOT NULL,\n"
    "    type_code TEXT NOT NULL,\n"
    "    next_number INTEGER NOT NULL DEFAULT 1,\n"
    "    PRIMARY KEY (prefix, type_code)\n"
    ");";

// Creates the table when it is missing (a write: needs a write transaction
// or autocommit on a writable file).
void ensure_sequence_table(Database& db);
bool has_sequence_table(Database& db);
// "ok" when `PRAGMA quick_check(id_sequences)` finds nothing wrong, else
// its first complaint.
std::string check_sequence_table(Database& db);

// Stored values that are not numbers a sequence can hold (the Python tool's
// SQL or a hand edit can write them): not an integer (text, a real such as
// 1e30), negative, or above kMaxNumber. Read functions leave the first two
// out (they count as nothing handed out, and a raise replaces them); a value
// above kMaxNumber is kept (never lowered) and read as it is, so that a
// reservation refuses instead of wrapping. Each is described in `odd`.
struct OddValues {
  std::vector<std::string> messages;
};

// Every row, keyed exactly as stored. Empty when the table is missing.
std::map<SequenceKey, int64_t> read_sequences(Database& db, OddValues* odd = nullptr);
// The stored value of one sequence. Prefix and code match case-insensitively
// (contract section 2); when several rows match, the highest value wins.
// nullopt when no row matches or the table is missing.
std::optional<int64_t> read_sequence(Database& db, std::string_view prefix, std::string_view type_code,
                                     OddValues* odd = nullptr);
// Raises the row (prefix, type_code) to `value`; never lowers a valid one,
// and replaces one that is not an integer or is negative. Inserts the row
// when missing.
void raise_sequence(Database& db, std::string_view prefix, std::string_view type_code, int64_t value);

}  // namespace kg
