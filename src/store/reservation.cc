#include "store/reservation.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <filesystem>
#include <stdexcept>

#include "model/id.h"
#include "store/journal.h"
#include "store/sequence_locks.h"
#include "store/timestamp.h"
#include "util/strings.h"

namespace kg {

namespace {

std::string no_db_warning(const SequenceLocks& locks, bool journal_too) {
  std::string w = "warning: cannot write the sequence database " + locks.db_path() + " (" +
                  locks.chunks_unwritable() + ")";
  if (!journal_too)
    return w +
           "; numbers come from a scan of the files and the clone journal, which is not safe against "
           "concurrent creators that use only the database (the Python tool)";
  return w + " nor the clone journal " + locks.journal_path() + " (" + locks.journal_unwritable() +
         "); numbers come from a scan of the files only, which is not safe against concurrent creators "
         "(other kabsd-guard runs and the Python tool)";
}

std::string no_journal_warning(const SequenceLocks& locks) {
  return "warning: cannot write the clone journal " + locks.journal_path() + " (" + locks.journal_unwritable() +
         "); the numbers are recorded only in the sequence database, so they can be handed out again if that "
         "database is deleted or rebuilt before the items reach the files";
}

[[noreturn]] void refuse_fallback(const SequenceLocks& locks) {
  throw StoreError("cannot write the sequence database " + locks.db_path() + " (" + locks.chunks_unwritable() +
                   "); refusing to reserve without it, as no fallback was requested");
}

void validate(const ReserveRequest& r) {
  if (r.count < 1) throw std::invalid_argument("reserve: count must be at least 1");
  if (r.count > kMaxReserveCount)
    throw std::invalid_argument("reserve: count must be at most " + std::to_string(kMaxReserveCount));
  if (!r.uids.empty() && r.uids.size() != static_cast<size_t>(r.count))
    throw std::invalid_argument("reserve: give one uid per number or none");
  if (r.prefix.empty() || r.type_code.empty()) throw std::invalid_argument("reserve: prefix and type code are required");
  if (r.floor < 0) throw std::invalid_argument("reserve: floor must not be negative");
}

// What a concurrent rebuild of the database (the Python tool deletes and
// recreates the file) makes SQLite report: the reservation is tried again
// on the new file.
bool replaced_under_us(int code) {
  return code == SQLITE_IOERR_DELETE_NOENT || code == SQLITE_READONLY_DBMOVED || code == SQLITE_IOERR_FSTAT;
}

// Runs `write` on a file that may turn out unwritable only now; a read-only
// failure gives the file up (returns false), anything else propagates.
template <typename Write, typename Drop>
bool try_write(Write write, Drop drop) {
  try {
    write();
    return true;
  } catch (const StoreError& e) {
    if (!is_readonly(e.code()) || replaced_under_us(e.code())) throw;
    drop(e.what());
    return false;
  }
}

// The file at `path`: its device and inode; {0, 0} when there is none.
std::pair<dev_t, ino_t> file_id(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {0, 0};
  return {st.st_dev, st.st_ino};
}

struct Replaced {};  // the database file was replaced while reserving

ReserveResult reserve_once(const ReserveRequest& request);

// Runs `once` until the database it writes was not replaced under it.
template <typename Once>
auto retried(const std::string& db_path, const char* doing, Once once) {
  constexpr int kAttempts = 50;
  for (int attempt = 1;; ++attempt) {
    try {
      return once();
    } catch (const Replaced&) {
      if (attempt == kAttempts)
        throw StoreError("the sequence database " + db_path + " was replaced " + std::to_string(kAttempts) +
                         " times while " + doing + "; try again");
    } catch (const StoreError& e) {
      if (!replaced_under_us(e.code()) || attempt == kAttempts) throw;
    }
    // Let the rebuild finish: a few milliseconds, more each time.
    std::this_thread::sleep_for(std::chrono::milliseconds(2 * attempt));
  }
}

}  // namespace

ReserveResult reserve(const ReserveRequest& request) {
  validate(request);
  return retried(request.db_path, "reserving", [&] { return reserve_once(request); });
}

namespace {

ReserveResult reserve_once(const ReserveRequest& request) {
  const std::string prefix = to_upper(request.prefix);
  const std::string code = to_upper(request.type_code);

  // The file locked must be the file at the path, before and after.
  const auto before_open = file_id(request.db_path);
  SequenceLocks locks(request.journal_dir, request.db_path, lock_deadline());
  const auto locked = file_id(request.db_path);
  if (locks.chunks() && locks.warnings().empty() && before_open.second != 0 && before_open != locked)
    throw Replaced{};  // (a corrupt file it moved aside itself is no news)
  ReserveResult result;
  result.warnings = locks.warnings();
  if (!locks.chunks() && request.no_fallback) refuse_fallback(locks);

  OddValues odd;
  std::optional<int64_t> stored = locks.chunks() ? read_sequence(*locks.chunks(), prefix, code, &odd)
                                                 : peek_stored(request.db_path, prefix, code);
  for (const std::string& m : odd.messages) result.warnings.push_back("warning: " + m + " in " + request.db_path);
  std::optional<int64_t> recorded = locks.journal() ? Journal(*locks.journal()).max_for(prefix, code)
                                                    : peek_journal(locks.journal_path(), prefix, code);
  int64_t highest = std::max({request.floor, stored.value_or(0), recorded.value_or(0)});
  if (highest > kMaxNumber - request.count)
    throw OutOfNumbers("no valid number is left for " + prefix + "-" + code + ": the highest in use or handed out is " +
                       std::to_string(highest) + ", and an ID carries at most " + std::to_string(kMaxNumberDigits) +
                       " digits (" + std::to_string(kMaxNumber) + ")" +
                       (stored && *stored > kMaxNumber ? "; set the stored value in " + request.db_path +
                                                             " right by hand (table id_sequences)"
                                                       : ""));
  result.first = highest + 1;
  if (request.settle) {
    result.first = request.settle(highest);
    if (result.first <= highest || result.first > kMaxNumber - request.count + 1)
      throw OutOfNumbers("the remote settled on " + prefix + "-" + code + " number " + std::to_string(result.first) +
                         ", not a valid next number above " + std::to_string(highest));
  }
  result.last = result.first + request.count - 1;

  // The chunks database first: once it commits, a Python-tool reservation
  // that was waiting for its lock gets a number above ours.
  if (locks.chunks()) {
    try_write(
        [&] {
          raise_sequence(*locks.chunks(), prefix, code, result.last);
          locks.commit_chunks();
          // Committed to a file no longer at the path: the journal is not
          // written (rolled back with `locks`), and it is all done again.
          if (file_id(request.db_path) != locked) throw Replaced{};
        },
        [&](const std::string& why) { locks.drop_chunks(reason_without_path(why, request.db_path)); });
    if (!locks.chunks() && request.no_fallback) refuse_fallback(locks);
  }
  if (locks.journal()) {
    const std::string now = utc_now_iso();
    try_write(
        [&] {
          Journal journal(*locks.journal());
          for (int i = 0; i < request.count; ++i)
            journal.record({prefix, code, result.first + i, request.uids.empty() ? std::string() : request.uids[i],
                            request.worktree, now});
          locks.commit_journal();
        },
        [&](const std::string& why) { locks.drop_journal(reason_without_path(why, locks.journal_path())); });
  }

  result.fallback = !locks.chunks();
  if (result.fallback)
    result.warnings.push_back(no_db_warning(locks, !locks.journal()));
  else if (!locks.journal())
    result.warnings.push_back(no_journal_warning(locks));
  return result;
}

}  // namespace

namespace {

// What a sync changes: every stored row and every sequence of the files,
// raised to max(files, journal); nothing lowered.
void plan_sync(SyncResult& result, const std::map<SequenceKey, int64_t>& files,
               const std::map<SequenceKey, int64_t>& stored, const std::map<SequenceKey, int64_t>& journal) {
  auto journal_max = [&](const SequenceKey& k) {
    auto it = journal.find({to_upper(k.first), to_upper(k.second)});
    return it == journal.end() ? std::optional<int64_t>() : std::optional<int64_t>(it->second);
  };
  for (const auto& [key, value] : stored) result.changes[key] = {value, std::max(value, journal_max(key).value_or(value))};
  for (const auto& [key, value] : files) {
    SyncChange& c = result.changes[key];
    int64_t target = std::max(value, journal_max(key).value_or(value));
    c.after = c.before ? std::max(*c.before, target) : target;
  }
}

SyncResult raise_once(const std::string& journal_dir, const std::string& db_path,
                      const std::map<SequenceKey, int64_t>& files) {
  SyncResult result;
  const auto before_open = file_id(db_path);
  SequenceLocks locks(journal_dir, db_path, lock_deadline());
  const auto locked = file_id(db_path);
  if (locks.chunks() && locks.warnings().empty() && before_open.second != 0 && before_open != locked)
    throw Replaced{};
  result.warnings = locks.warnings();
  if (!locks.chunks())
    throw StoreError("cannot write the sequence database " + db_path + " (" + locks.chunks_unwritable() + ")");
  std::map<SequenceKey, int64_t> journal;
  if (locks.journal()) {
    journal = Journal(*locks.journal()).max_all();
  } else {
    journal = peek_journal_all(locks.journal_path());
    result.warnings.push_back("warning: cannot write the clone journal " + locks.journal_path() + " (" +
                              locks.journal_unwritable() + "); it was read where possible");
  }
  OddValues odd;
  plan_sync(result, files, read_sequences(*locks.chunks(), &odd), journal);
  for (const std::string& m : odd.messages) result.warnings.push_back("warning: " + m + " in " + db_path);
  for (const auto& [key, change] : result.changes)
    if (!change.before || change.after > *change.before)
      raise_sequence(*locks.chunks(), key.first, key.second, change.after);
  locks.commit_chunks();
  if (file_id(db_path) != locked) throw Replaced{};  // raised in a file no longer there
  return result;
}

}  // namespace

SyncResult raise_all(const std::string& journal_dir, const std::string& db_path,
                     const std::map<SequenceKey, int64_t>& highest_in_files, bool dry_run) {
  std::map<SequenceKey, int64_t> files;
  for (const auto& [key, value] : highest_in_files) {
    int64_t& slot = files[{to_upper(key.first), to_upper(key.second)}];
    slot = std::max(slot, value);
  }
  if (dry_run) {
    SyncResult result;
    result.dry_run = true;
    OddValues odd;
    plan_sync(result, files, read_stored(db_path, &odd), peek_journal_all(journal_path(journal_dir)));
    for (const std::string& m : odd.messages) result.warnings.push_back("warning: " + m + " in " + db_path);
    return result;
  }
  return retried(db_path, "syncing", [&] { return raise_once(journal_dir, db_path, files); });
}

std::map<SequenceKey, int64_t> read_stored(const std::string& db_path, OddValues* odd) {
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return {};
  Database db(db_path, Database::Mode::ReadOnly);
  return read_sequences(db, odd);
}

}  // namespace kg
