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

// Every row, keyed exactly as stored. Empty when the table is missing.
std::map<SequenceKey, int64_t> read_sequences(Database& db);
// The stored value of one sequence. Prefix and code match case-insensitively
// (contract section 2); when several rows match, the highest value wins.
// nullopt when no row matches or the table is missing.
std::optional<int64_t> read_sequence(Database& db, std::string_view prefix, std::string_view type_code);
// Raises the row (prefix, type_code) to `value`; never lowers it. Inserts the
// row when missing.
void raise_sequence(Database& db, std::string_view prefix, std::string_view type_code, int64_t value);

}  // namespace kg
