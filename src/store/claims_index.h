// One snapshot of a backlog (normally HEAD's) as an index of what its files
// claim, so that "who else claims KABSD-TSK-0302?" and "the highest number
// of each sequence" are index lookups instead of scans. It is rolled from
// one tree to the next by applying the files that changed, so a commit
// costs what it changed, not what the backlog holds.
//
// A cache like FactsCache: `<git common dir>/kabsd-guard/cache-claims.sqlite3`;
// off with KABSD_GUARD_NO_CACHE=1, rebuilt silently when corrupt. One
// instance holds a write transaction from open() to its destruction, so a
// concurrent process (another worktree rolling it elsewhere) waits rather
// than moving the snapshot under it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace kg {

class Database;
class Statement;

// One file of the snapshot: a row of `files`. Numbers: the IDs it carries
// (model/claims.h: Claims::ids, frontmatter and file name), keyed (prefix,
// type code), each a row of the child table `claims`; a decision's key is
// ("@" + root, "ADR") because its prefix is its product's.
struct ClaimRow {
  struct Number {
    std::string prefix, type;
    int64_t n = 0;
    int source = 0;  // ClaimSource: 0 frontmatter, 1 file name
    friend bool operator==(const Number&, const Number&) = default;
  };
  std::string path;    // repository-relative
  std::string oid;     // raw 20-byte blob id
  std::string root;    // product root holding it
  static constexpr int kItem = 0, kDecision = 1, kSymlink = 2;
  int kind = kItem;
  std::string claim;   // claim key; "" when none
  std::string uid;     // lower case, trimmed; "" when none
  std::string prefix;  // prefix of a claimed non-decision ID ("" when none): counted per root
  std::vector<Number> numbers;
  bool report = false;  // a whole-tree check reports this file on its own (findings, a symlink)
};

class ClaimIndex {
 public:
  // nullptr when the cache is off or cannot be opened.
  static std::unique_ptr<ClaimIndex> open(const std::string& common_dir);
  ~ClaimIndex();  // commits

  // What the snapshot holds ("" when empty): an opaque string the caller
  // chose (its tree id and config fingerprint).
  std::string state();
  void set_state(const std::string& state);
  void clear();

  void put(const ClaimRow& row);  // replaces the row at row.path
  // Replaces every row with those given to load() (paths distinct) between
  // begin_load() and end_load(): the first build, a bulk load with the
  // indexes made at the end. Rows are streamed, not held.
  void begin_load();
  void load(const ClaimRow& row);
  void end_load();
  void remove(const std::string& path);
  std::optional<ClaimRow> get(const std::string& path);

  // Rows claiming one of `claims`, carrying one of `uids` or at one of
  // `paths`; sorted by path, each once.
  std::vector<ClaimRow> related(const std::set<std::string>& claims, const std::set<std::string>& uids,
                                const std::set<std::string>& paths);
  // The rows a check of the whole snapshot must read, sorted by path: those
  // to report, and those sharing a claim or a uid with another row.
  std::vector<ClaimRow> check_rows();
  // Highest number per key (decisions as ("@" + root, "ADR")).
  std::map<std::pair<std::string, std::string>, int64_t> highest();
  // How many rows are items or decisions (not symlinks).
  int64_t item_count();
  // root -> prefix -> files claiming an ID with that prefix (not decisions).
  std::map<std::string, std::map<std::string, int64_t>> prefix_counts();
  // root -> (prefix, type) -> files carrying such an ID, frontmatter or
  // filename (not decisions).
  std::map<std::string, std::map<std::pair<std::string, std::string>, int64_t>> key_counts();
  size_t size();

  // Memo of work done against this snapshot (what another tree adds to
  // it), dropped whenever the snapshot moves: opaque bytes by key.
  std::optional<std::string> memo(const std::string& key);
  void put_memo(const std::string& key, const std::string& value);

 private:
  struct Load;  // tallies of a bulk load
  explicit ClaimIndex(std::unique_ptr<Database> db);
  void adjust_counts(const ClaimRow& row, int delta);
  Statement& prepared(const char* sql);  // made once, reset for reuse
  void insert(const ClaimRow& row);  // the row and its claims
  std::vector<ClaimRow::Number> numbers_of(const std::string& path);
  std::vector<ClaimRow> rows_of(Statement& st);  // each with its numbers
  std::unique_ptr<Database> db_;
  std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;  // by static SQL text
  std::unique_ptr<Load> load_;  // during a bulk load
};

}  // namespace kg
