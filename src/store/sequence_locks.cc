#include "store/sequence_locks.h"

#include <filesystem>

#include "store/journal.h"

namespace kg {

namespace {

void close(LockedFile& f, const std::string& reason) {
  if (f.txn) f.txn->rollback();
  f.txn.reset();
  f.db.reset();
  f.unwritable = reason;
}

template <typename Fn>
std::optional<int64_t> peek(const std::string& path, Fn fn) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  try {
    Database db(path, Database::Mode::ReadOnly);
    return fn(db);
  } catch (const StoreError&) {
    return std::nullopt;
  }
}

}  // namespace

LockedFileSpec chunks_spec(const std::string& db_path) {
  return {db_path, "sequence database", kSequenceTableSql, "id_sequences", false};
}

LockedFileSpec journal_spec(const std::string& journal_dir) {
  return {journal_path(journal_dir), "clone journal", kJournalTableSql, "reservations", true};
}

SequenceLocks::SequenceLocks(const std::string& journal_dir, const std::string& db_path, Deadline deadline)
    : journal_path_(kg::journal_path(journal_dir)), db_path_(db_path) {
  journal_ = open_locked(journal_spec(journal_dir), deadline);
  chunks_ = open_locked(chunks_spec(db_path), deadline);
  warnings_ = journal_.warnings;
  warnings_.insert(warnings_.end(), chunks_.warnings.begin(), chunks_.warnings.end());
}

void SequenceLocks::drop_chunks(const std::string& reason) { close(chunks_, reason); }

void SequenceLocks::drop_journal(const std::string& reason) { close(journal_, reason); }

std::optional<int64_t> peek_stored(const std::string& db_path, const std::string& prefix, const std::string& code) {
  return peek(db_path, [&](Database& db) { return read_sequence(db, prefix, code); });
}

std::optional<int64_t> peek_journal(const std::string& journal_file, const std::string& prefix,
                                    const std::string& code) {
  return peek(journal_file, [&](Database& db) { return Journal(db).max_for(prefix, code); });
}

std::map<SequenceKey, int64_t> peek_journal_all(const std::string& journal_file) {
  std::map<SequenceKey, int64_t> out;
  peek(journal_file, [&](Database& db) {
    out = Journal(db).max_all();
    return std::optional<int64_t>();
  });
  return out;
}

}  // namespace kg
