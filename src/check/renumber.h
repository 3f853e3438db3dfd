// `renumber`: give items a new ID (or, with --filenames, a file name that
// matches their ID), previewed first and applied all or nothing. See
// docs/renumber.md. The steps, each in its own file:
//   select_*        which files move and why       (renumber_select.cc)
//   find_references who else mentions an old ID    (renumber_refs.cc)
//   number_*        the new IDs and paths          (renumber_number.cc)
//   preflight/apply the file and index changes     (renumber_apply.cc)
//   intent/recovery crash safety                   (renumber_intent.h)
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "check/backlog.h"
#include "git/repo.h"
#include "model/duplicates.h"
#include "model/id.h"

namespace kg {

// The input cannot be renumbered (bad target, symlink, unparseable file,
// --to in use): exit 2.
struct RenumberRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The environment failed (a folder cannot be created, a file exists, the
// index cannot be written): exit 3. Everything done so far was undone.
struct RenumberFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RenumberMove {
  enum class Kind { Renumber, Rename };
  Kind kind = Kind::Renumber;
  std::string from;          // repository-relative path now
  std::string to;            // repository-relative path afterwards
  std::string product_key;   // the product holding it
  std::string product_root;
  ItemId old_id;             // the ID it claims now
  std::optional<ItemId> new_id;  // Rename: unchanged; Renumber: set by number_*
  bool provisional = false;  // new_id is a preview, not reserved
  std::string uid;           // as written; "" when missing
  std::string identity;      // Item::identity(): copies of one item share a number
  // Who keeps old_id (or, for an item that keeps it, another claimant);
  // empty when nobody else claims it.
  std::string other_path;
  std::string other_uid;
  std::string message;       // the worklog message (without time and agent)
  bool tracked = false;      // in the index: staged as a rename
  bool staged = false;       // set by apply
  std::string original;      // the file's bytes when planned
  std::string rewritten;     // the bytes to write (set by number_*/apply)
};

struct RenumberRef {
  std::string id;     // the old ID mentioned
  std::string path;
  int line = 0;
  std::string field;  // "parent", "links", "decisions", "title", ... or "body"
  std::string text;   // the line, trimmed, at most 200 bytes
};

struct RenumberPlan {
  std::string mode;  // "target", "all", "introduced", "filenames"
  std::vector<RenumberMove> moves;       // sorted by old ID, then path
  std::vector<RenumberRef> references;   // sorted by id, path, line
  std::vector<std::string> notes;        // things seen but not repaired
  // Per old claim key: every file claiming it (their `id:` line is no reference).
  std::vector<std::pair<std::string, std::vector<std::string>>> claimants;
};

// ---- selection (renumber_select.cc) --------------------------------------

// A TARGET argument: a path (relative to `cwd`, else to the working tree)
// when such a file exists, else an ID. Throws RenumberRefused for a path that
// is not a regular item/decision file of the backlog (outside items/ and
// decisions/, a symlink, unparseable, without an id) or an ID nobody claims.
RenumberPlan select_target(const Backlog& worktree, const std::string& workdir, const std::string& cwd,
                           const std::string& target);
// Every duplicate-ID group (with `baseline`, only those introduced
// relative to it, by the rule of every check: model/duplicates.h, with
// `renames` from the baseline to the working tree).
RenumberPlan select_all(const Backlog& worktree, const std::vector<Item>* baseline,
                        const std::function<Renames()>& renames = {});
// Files whose filename ID differs from their frontmatter ID, when that ID is
// not itself a duplicate: renamed only.
RenumberPlan select_filenames(const Backlog& worktree);

// Reads the files of the plan from `workdir` (their bytes are kept in the
// moves) and marks the tracked ones from `repo`'s index.
void load_files(RenumberPlan& plan, const Repo& repo, const std::string& workdir);

// ---- references (renumber_refs.cc) ---------------------------------------

// 1-based line numbers of `id` (canonically: any case, any zero padding) in
// `content`, with each line's text.
std::vector<std::pair<int, std::string>> find_id_mentions(std::string_view content, const ItemId& id);
// Every mention of a renumbered old ID in the backlog's files, except the
// `id:` line of its claimants. Never changes anything.
void find_references(RenumberPlan& plan, const Backlog& worktree, const std::string& workdir);

// ---- numbering (renumber_number.cc) --------------------------------------

// Hands out `count` consecutive numbers for (product, prefix, type).
using NumberSource =
    std::function<std::vector<int64_t>(const Product& product, const std::string& prefix, TypeCode type, int count)>;

// The numbers a reservation would hand out now, without reserving:
// max(highest in any snapshot, stored value, journal) + 1, ...
NumberSource provisional_numbers(const Repo& repo, const ScanOptions& scan,
                                 const std::function<std::string(const Product&)>& db_path);
// Reserves through kg::allocate (journal, database, every snapshot).
NumberSource allocated_numbers(const Repo& repo, const ScanOptions& scan,
                               const std::function<std::string(const Product&)>& db_path,
                               std::vector<std::string>* warnings);

// Checks that `to` can replace the single renumbered ID of the plan: the
// same type, not claimed by any file in any snapshot, not recorded in the
// clone journal. Returns warnings (a number at or below the stored value).
std::vector<std::string> check_explicit_id(const RenumberPlan& plan, const ItemId& to, const Repo& repo,
                                           const ScanOptions& scan, const Config& config,
                                           const std::function<std::string(const Product&)>& db_path);
// Records an explicit `to` above every number handed out through the normal
// reservation path (so the sequence stays above it); a number in a gap below
// is used as it is. Throws RenumberFailed when a concurrent reservation took
// it meanwhile, StoreError when the database cannot be written.
void reserve_explicit(const RenumberPlan& plan, const ItemId& to, const Repo& repo, const ScanOptions& scan,
                      const Config& config, const std::function<std::string(const Product&)>& db_path,
                      std::vector<std::string>* warnings);
// Gives every Renumber move its new ID (one number per identity, in plan
// order; `to` when set) and every move its new path and worklog message.
void number_moves(RenumberPlan& plan, const Config& config, const NumberSource& numbers,
                  const std::optional<ItemId>& to, bool provisional);
// Where a file goes: the same type folder, the new number's bucket, the same
// slug; decisions stay in decisions/.
std::string renumbered_path(const std::string& path, const std::string& product_root, const ItemId& new_id);

// ---- applying (renumber_apply.cc) ----------------------------------------

// Checks, before anything is reserved or written, that every move can be
// made: the source is still the planned regular file, the target does not
// exist, its folders can be created, nothing on the way is a symlink, no two
// moves share a target, the index is not locked. Throws RenumberFailed.
void preflight(const RenumberPlan& plan, const Repo& repo, const std::string& workdir, bool stage);

struct ApplyOptions {
  bool stage = true;
  std::string minute;  // the worklog time, "YYYY-MM-DD HH:MM"
};

// Writes every new file (never replacing one), removes the old ones, then
// stages the renames of tracked files in one index write. On any failure
// undoes what was done and throws RenumberFailed naming the cause. Records
// the moves in the intent journal first (renumber_intent.h), so a killed
// run is rolled forward by recover_renumber().
void apply(RenumberPlan& plan, const Repo& repo, const std::string& workdir, const ApplyOptions& options);

// The file's new bytes: the id value replaced and the worklog line appended.
// Throws RenumberRefused when the id cannot be located or the result does
// not parse back to the new ID and the same uid.
std::string rewrite_item(const std::string& path, const std::string& original, const ItemId& new_id,
                         const std::string& worklog);

}  // namespace kg
