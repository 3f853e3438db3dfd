// The two write locks every kabsd-guard writer of sequence numbers holds,
// always taken in this order: 1. the clone journal, 2. the chunks database.
// While both are held, no other kabsd-guard process (any worktree of the
// clone) and no Python-tool reservation on this chunks database can run.
// Either file may turn out unwritable; it is then reported, not thrown.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/locked_file.h"
#include "store/sequences.h"

namespace kg {

class SequenceLocks {
 public:
  SequenceLocks(const std::string& journal_dir, const std::string& db_path, Deadline deadline);

  // Null when the file cannot be written (see *_unwritable()).
  Database* journal() { return journal_.db.get(); }
  Database* chunks() { return chunks_.db.get(); }
  const std::string& journal_unwritable() const { return journal_.unwritable; }
  const std::string& chunks_unwritable() const { return chunks_.unwritable; }
  const std::string& journal_path() const { return journal_path_; }
  const std::string& db_path() const { return db_path_; }
  // Corruption recoveries that happened while opening.
  const std::vector<std::string>& warnings() const { return warnings_; }

  void commit_chunks() { chunks_.txn->commit(); }
  void commit_journal() { journal_.txn->commit(); }
  // Gives up writing a file that failed late (for example a read-only
  // folder noticed only at the first write): rolls back and closes it.
  void drop_chunks(const std::string& reason);
  void drop_journal(const std::string& reason);

 private:
  std::string journal_path_;
  std::string db_path_;
  LockedFile journal_;
  LockedFile chunks_;
  std::vector<std::string> warnings_;
};

LockedFileSpec chunks_spec(const std::string& db_path);
LockedFileSpec journal_spec(const std::string& journal_dir);

// Reads a file that cannot be written, without creating it: nullopt when it
// is missing or unreadable.
std::optional<int64_t> peek_stored(const std::string& db_path, const std::string& prefix, const std::string& code);
std::optional<int64_t> peek_journal(const std::string& journal_file, const std::string& prefix,
                                    const std::string& code);
std::map<SequenceKey, int64_t> peek_journal_all(const std::string& journal_file);

}  // namespace kg
