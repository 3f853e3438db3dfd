// The guard's judgement: which findings a new snapshot of the backlog has
// relative to a baseline, and which of them block (contract section 5).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "check/backlog.h"
#include "check/sources.h"
#include "git/error.h"
#include "model/duplicates.h"

namespace kg {

struct Claimant {
  std::string path;
  std::string uid;
  std::string filename_id;
  std::string created;  // from the UUIDv7, "" when the uid is not one
  bool keeper = false;  // the oldest claimant: keeps the ID when repaired
};

struct CheckFinding {
  std::string kind;  // duplicate-id, duplicate-uid, missing-id, ...
  Severity severity = Severity::Warning;
  bool introduced = false;     // new relative to the baseline
  std::string id;              // the ID concerned (display form)
  std::string uid;             // the uid concerned
  std::vector<Claimant> items; // every file involved
  std::vector<std::string> suggested_ids;  // duplicate-id: next free IDs, one per newer claimant
  int line = 0;                // per-file findings: 1-based line, 0 when none
  std::string message;         // per-file findings: what is wrong
};

struct CheckReport {
  std::vector<CheckFinding> findings;  // errors first, then by kind and ID/path
  size_t items_scanned = 0;
  bool has_backlog = false;
  int errors() const;
  int warnings() const;
};

struct CheckOptions {
  bool strict = false;  // pre-existing duplicates are errors too
  // Renames between the baseline and the new snapshot (new path -> old
  // path), computed on demand: only needed when a claimant of a duplicate
  // ID is new by uid and by path (model/duplicates.h).
  std::function<Renames()> renames;
  // Numbers in use beyond the two snapshots (the stored sequences), so that
  // suggested IDs are really free.
  Highest extra_highest;
};

// A file that no engine could read claims, by its file name, an ID another
// file claims: it may be a duplicate, and a check cannot tell (exit 3, fail
// closed). A GitError: the repository cannot be read.
struct UnreadableClaimant : GitError {
  using GitError::GitError;
};
// Throws UnreadableClaimant for the first such file of `now`.
void refuse_unreadable_claimants(const Backlog& now);

// `baseline` may be null: then everything counts as introduced.
CheckReport run_check(Backlog& now, const Backlog* baseline, const CheckOptions& options);

}  // namespace kg
