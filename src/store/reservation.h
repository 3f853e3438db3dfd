// Handing out item numbers: the one entry point the rest of kabsd-guard
// calls, plus the `sync` and `status` helpers. See docs/sequences.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "store/sequences.h"

namespace kg {

// The most numbers one reservation hands out.
inline constexpr int kMaxReserveCount = 10000;

// No valid number is left for a sequence: its next number would need more
// digits than an ID may carry (kMaxNumber). Nothing was reserved.
struct OutOfNumbers : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ReserveRequest {
  std::string journal_dir;   // git common dir
  std::string db_path;       // the chunks database (created when missing)
  std::string prefix;        // "KABSD"; for ADRs the product prefix
  std::string type_code;     // "TSK", "ADR", ...
  int count = 1;
  int64_t floor = 0;         // highest number in use in the files
  std::vector<std::string> uids;  // optional, one per number (journal only)
  std::string worktree;      // recorded in the journal
  bool no_fallback = false;  // throw instead of reserving without the database
  // Optional: called under both write locks with the highest number known
  // here (floor, stored value, journal); returns the first number to hand
  // out, above it, once the range is secured elsewhere (the remote's
  // sequence ref, check/remote_reserve.h). Whatever it throws propagates and
  // nothing is written here.
  std::function<int64_t(int64_t highest)> settle;
};

struct ReserveResult {
  int64_t first = 0;
  int64_t last = 0;
  // True when the chunks database could not be written: the numbers are not
  // protected against a concurrent Python-tool reservation.
  bool fallback = false;
  std::vector<std::string> warnings;
};

// Reserves `count` consecutive numbers above the floor, the stored value and
// the journal, holding the journal's and then the database's write lock.
// Prefix and type code are stored upper-case. Throws StoreError on failure,
// std::invalid_argument on a bad request, OutOfNumbers when the numbers
// would pass kMaxNumber (and never hands out such a number).
ReserveResult reserve(const ReserveRequest& request);

struct SyncChange {
  std::optional<int64_t> before;  // nullopt: the row was missing
  int64_t after = 0;
};

struct SyncResult {
  std::map<SequenceKey, SyncChange> changes;  // every sequence looked at
  std::vector<std::string> warnings;
  bool dry_run = false;
};

// Raises every stored value to max(highest in the files, journal maximum)
// under the same two locks; never lowers a value. Covers the keys of
// `highest_in_files` (created when missing) and the rows already stored.
// `dry_run` reports the same without writing or creating anything. Throws
// StoreError when the database cannot be written (and not dry_run).
SyncResult raise_all(const std::string& journal_dir, const std::string& db_path,
                     const std::map<SequenceKey, int64_t>& highest_in_files, bool dry_run);

// The stored rows, read-only, for `status`. A missing file (or table) gives
// an empty map; nothing is created. Throws StoreError when unreadable.
std::map<SequenceKey, int64_t> read_stored(const std::string& db_path, OddValues* odd = nullptr);

}  // namespace kg
