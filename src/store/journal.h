// The clone journal: an SQLite file at
// `<git common dir>/kabsd-guard/journal.sqlite3`, shared by every linked
// worktree of a clone. It records every number kabsd-guard hands out, so a
// deleted or rebuilt chunks database cannot make it hand a number out again.
// The file runs in WAL mode (see docs/sequences.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "store/sequences.h"
#include "store/sqlite.h"

namespace kg {

inline constexpr const char* kJournalTableSql =
    "CREATE TABLE IF NOT EXISTS reservations (\n"
    "    prefix TEXT NOT NULL,\n"
    "    type_code TEXT NOT NULL,\n"
    "    number INTEGER NOT NULL,\n"
    "    uid TEXT,\n"
    "    worktree TEXT,\n"
    "    reserved_at TEXT NOT NULL,\n"
    "    PRIMARY KEY (prefix, type_code, number)\n"
    ");";

// `<common_dir>/kabsd-guard/journal.sqlite3`
std::string journal_path(const std::string& common_dir);

struct JournalEntry {
  std::string prefix;
  std::string type_code;
  int64_t number = 0;
  std::string uid;       // empty: not known
  std::string worktree;
  std::string reserved_at;  // UTC, ISO 8601
};

// A view of an open journal database (opened and locked by the caller).
class Journal {
 public:
  explicit Journal(Database& db) : db_(db) {}

  // The highest number recorded for (prefix, type_code); nullopt when none.
  std::optional<int64_t> max_for(std::string_view prefix, std::string_view type_code) const;
  // The highest number of every recorded sequence.
  std::map<SequenceKey, int64_t> max_all() const;
  // Throws StoreError when the number is already recorded.
  void record(const JournalEntry& entry);

 private:
  bool has_table() const;
  Database& db_;
};

}  // namespace kg
