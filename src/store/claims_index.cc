#include "store/claims_index.h"

#include <cstdlib>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "store/cache_file.h"
#include "util/build_fingerprint.h"
#include "store/sqlite.h"

namespace kg {

namespace {


constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS files (path BLOB PRIMARY KEY, oid BLOB NOT NULL, root BLOB NOT NULL,"
    " kind INTEGER NOT NULL, claim BLOB NOT NULL, uid BLOB NOT NULL, prefix BLOB NOT NULL,"
    " report INTEGER NOT NULL) WITHOUT ROWID;"
    // What each file claims (model/claims.h), one row per ID: its source
    // (0 frontmatter, 1 file name) and its sequence and number.
    "CREATE TABLE IF NOT EXISTS claims (path BLOB NOT NULL, src INTEGER NOT NULL, p BLOB NOT NULL,"
    " t TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (path, src)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS counts (root BLOB, prefix BLOB, n INTEGER NOT NULL,"
    " PRIMARY KEY (root, prefix)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS keys (root BLOB, p BLOB, t TEXT, n INTEGER NOT NULL,"
    " PRIMARY KEY (root, p, t)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS memo (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS seqs (p BLOB, t TEXT, PRIMARY KEY (p, t)) WITHOUT ROWID;";

// Full indexes: a partial one (WHERE claim <> '') is not used for
// `claim = ?`, which SQLite cannot prove non-empty.
constexpr const char* kIndexes =
    "CREATE INDEX IF NOT EXISTS files_claim ON files(claim);"
    "CREATE INDEX IF NOT EXISTS files_uid ON files(uid);"
    "CREATE INDEX IF NOT EXISTS claims_seq ON claims(p, t, n);"
    "CREATE INDEX IF NOT EXISTS files_report ON files(report) WHERE report = 1;";

constexpr const char* kDrop =
    "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS claims; DROP TABLE IF EXISTS counts;"
    "DROP TABLE IF EXISTS seqs; DROP TABLE IF EXISTS keys;"
    "DROP TABLE IF EXISTS memo;";

std::unique_ptr<Database> open_db(const std::string& path) {
  auto db = std::make_unique<Database>(path, Database::Mode::ReadWriteCreate);
  if (db->read_only()) throw StoreError("read-only", 8 /* SQLITE_READONLY */);
  db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");
  db->exec("BEGIN IMMEDIATE");
  int64_t version = 0;
  {
    auto st = db->prepare("PRAGMA user_version");
    if (st.step()) version = st.column_int64(0);
  }  // finalized: a pending statement would keep DROP TABLE from running
  if (version != cache_user_version("claims")) {
    db->exec(kDrop);
    db->exec("PRAGMA user_version=" + std::to_string(cache_user_version("claims")));
  }
  db->exec(kSchema);
  db->exec(kIndexes);
  return db;
}

ClaimRow row_of(const Statement& st) {
  ClaimRow r;
  r.path = st.column_blob(0);
  r.oid = st.column_blob(1);
  r.root = st.column_blob(2);
  r.kind = static_cast<int>(st.column_int64(3));
  r.claim = st.column_blob(4);
  r.uid = st.column_blob(5);
  r.prefix = st.column_blob(6);
  r.report = st.column_int64(7) != 0;
  return r;  // its numbers: ClaimIndex::numbers_of
}

constexpr const char* kInsertRow =
    "INSERT INTO files (path, oid, root, kind, claim, uid, prefix, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertClaim = "INSERT INTO claims (path, src, p, t, n) VALUES (?, ?, ?, ?, ?)";

constexpr const char* kColumns = "path, oid, root, kind, claim, uid, prefix, report";

}  // namespace

struct ClaimIndex::Load {
  std::map<std::pair<std::string, std::string>, int64_t> counts;              // (root, prefix)
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> keys;  // (root, p, t)
  std::set<std::pair<std::string, std::string>> seqs;
  int64_t items = 0;
};

std::unique_ptr<ClaimIndex> ClaimIndex::open(const std::string& common_dir) {
  std::unique_ptr<Database> db = open_cache_file(common_dir, "cache-claims.sqlite3", open_db);
  return db ? std::unique_ptr<ClaimIndex>(new ClaimIndex(std::move(db))) : nullptr;
}

ClaimIndex::ClaimIndex(std::unique_ptr<Database> db) : db_(std::move(db)) {}

ClaimIndex::~ClaimIndex() {
  try {
    if (!db_->autocommit()) db_->exec("COMMIT");
  } catch (const StoreError&) {
    // A cache: what could not be written is rebuilt next time.
  }
}

void ClaimIndex::insert(const ClaimRow& row) {
  Statement& ins = prepared(kInsertRow);
  ins.bind_blob(1, row.path).bind_blob(2, row.oid).bind_blob(3, row.root).bind(4, int64_t{row.kind});
  ins.bind_blob(5, row.claim).bind_blob(6, row.uid).bind_blob(7, row.prefix).bind(8, int64_t{row.report ? 1 : 0});
  ins.step();
  for (const ClaimRow::Number& num : row.numbers) {
    Statement& claim = prepared(kInsertClaim);
    claim.bind_blob(1, row.path).bind(2, int64_t{num.source}).bind_blob(3, num.prefix).bind(4, num.type);
    claim.bind(5, num.n);
    claim.step();
  }
}

std::vector<ClaimRow::Number> ClaimIndex::numbers_of(const std::string& path) {
  std::vector<ClaimRow::Number> out;
  Statement& st = prepared("SELECT src, p, t, n FROM claims WHERE path = ? ORDER BY src");
  st.bind_blob(1, path);
  while (st.step())
    out.push_back({st.column_blob(1), st.column_text(2), st.column_int64(3), static_cast<int>(st.column_int64(0))});
  return out;
}

std::vector<ClaimRow> ClaimIndex::rows_of(Statement& st) {
  std::vector<ClaimRow> rows;
  while (st.step()) rows.push_back(row_of(st));
  for (ClaimRow& r : rows) r.numbers = numbers_of(r.path);
  return rows;
}

Statement& ClaimIndex::prepared(const char* sql) {
  auto& slot = statements_[sql];
  if (!slot) slot = std::make_unique<Statement>(db_->prepare(sql));
  slot->reset();
  return *slot;
}

std::string ClaimIndex::state() {
  Statement& st = prepared("SELECT v FROM meta WHERE k = 'state'");
  return st.step() ? st.column_blob(0) : std::string();
}

void ClaimIndex::set_state(const std::string& state) {
  db_->exec("DELETE FROM memo");
  Statement& st = prepared("INSERT OR REPLACE INTO meta (k, v) VALUES ('state', ?)");
  st.bind_blob(1, state);
  st.step();
}

void ClaimIndex::clear() {
  db_->exec("DELETE FROM files; DELETE FROM claims; DELETE FROM counts; DELETE FROM seqs; DELETE FROM keys; DELETE FROM meta; DELETE FROM memo;");
}

void ClaimIndex::adjust_counts(const ClaimRow& row, int delta) {
  if (row.kind != ClaimRow::kSymlink) {
    Statement& up = prepared(
        "INSERT INTO meta (k, v) VALUES ('items', ?1) ON CONFLICT (k) DO UPDATE SET v = v + ?1");
    up.bind(1, int64_t{delta});
    up.step();
  }
  if (!row.prefix.empty()) {
    Statement& up = prepared(
        "INSERT INTO counts (root, prefix, n) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (root, prefix) DO UPDATE SET n = n + ?3");
    up.bind_blob(1, row.root).bind_blob(2, row.prefix).bind(3, int64_t{delta});
    up.step();
  }
  for (const ClaimRow::Number& num : row.numbers) {
    if (num.type == "ADR") continue;
    Statement& up = prepared(
        "INSERT INTO keys (root, p, t, n) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (root, p, t) DO UPDATE SET n = n + ?4");
    up.bind_blob(1, row.root).bind_blob(2, num.prefix).bind(3, num.type).bind(4, int64_t{delta});
    up.step();
  }
}

int64_t ClaimIndex::item_count() {
  Statement& st = prepared("SELECT v FROM meta WHERE k = 'items'");
  return st.step() ? st.column_int64(0) : 0;
}

void ClaimIndex::put(const ClaimRow& row) {
  remove(row.path);
  for (const ClaimRow::Number& num : row.numbers) {
    Statement& seq = prepared("INSERT OR IGNORE INTO seqs (p, t) VALUES (?, ?)");
    seq.bind_blob(1, num.prefix).bind(2, num.type);
    seq.step();
  }
  insert(row);
  adjust_counts(row, 1);
}

void ClaimIndex::begin_load() {
  clear();
  db_->exec("DROP INDEX IF EXISTS files_claim; DROP INDEX IF EXISTS files_uid;"
            "DROP INDEX IF EXISTS claims_seq; DROP INDEX IF EXISTS files_report;");
  load_ = std::make_unique<Load>();
}

void ClaimIndex::load(const ClaimRow& row) {
  if (!load_) throw std::logic_error("ClaimIndex::load outside begin_load/end_load");
  insert(row);
  if (row.kind != ClaimRow::kSymlink) ++load_->items;
  if (!row.prefix.empty()) ++load_->counts[{row.root, row.prefix}];
  for (const ClaimRow::Number& num : row.numbers) {
    load_->seqs.insert({num.prefix, num.type});
    if (num.type != "ADR") ++load_->keys[{row.root, num.prefix, num.type}];
  }
}

void ClaimIndex::end_load() {
  if (!load_) throw std::logic_error("ClaimIndex::end_load without begin_load");
  std::unique_ptr<Load> done = std::move(load_);
  Statement& total = prepared("INSERT OR REPLACE INTO meta (k, v) VALUES ('items', ?)");
  total.bind(1, done->items);
  total.step();
  for (const auto& [key, n] : done->counts) {
    Statement& st = prepared("INSERT INTO counts (root, prefix, n) VALUES (?, ?, ?)");
    st.bind_blob(1, key.first).bind_blob(2, key.second).bind(3, n);
    st.step();
  }
  for (const auto& [key, n] : done->keys) {
    Statement& st = prepared("INSERT INTO keys (root, p, t, n) VALUES (?, ?, ?, ?)");
    st.bind_blob(1, std::get<0>(key)).bind_blob(2, std::get<1>(key)).bind(3, std::get<2>(key)).bind(4, n);
    st.step();
  }
  for (const auto& [p, t] : done->seqs) {
    Statement& st = prepared("INSERT OR IGNORE INTO seqs (p, t) VALUES (?, ?)");
    st.bind_blob(1, p).bind(2, t);
    st.step();
  }
  db_->exec(kIndexes);
}

void ClaimIndex::remove(const std::string& path) {
  std::optional<ClaimRow> old = get(path);
  if (!old) return;
  for (const char* sql : {"DELETE FROM files WHERE path = ?", "DELETE FROM claims WHERE path = ?"}) {
    Statement& del = prepared(sql);
    del.bind_blob(1, path);
    del.step();
  }
  adjust_counts(*old, -1);
}

std::optional<ClaimRow> ClaimIndex::get(const std::string& path) {
  static const std::string sql = std::string("SELECT ") + kColumns + " FROM files WHERE path = ?";
  Statement& st = prepared(sql.c_str());
  st.bind_blob(1, path);
  if (!st.step()) return std::nullopt;
  ClaimRow row = row_of(st);
  st.reset();
  row.numbers = numbers_of(row.path);
  return row;
}

std::vector<ClaimRow> ClaimIndex::related(const std::set<std::string>& claims, const std::set<std::string>& uids,
                                          const std::set<std::string>& paths) {
  static const std::string by_claim = std::string("SELECT ") + kColumns + " FROM files WHERE claim = ?";
  static const std::string by_uid = std::string("SELECT ") + kColumns + " FROM files WHERE uid = ?";
  std::map<std::string, ClaimRow> out;
  auto collect = [&](const char* sql, const std::set<std::string>& values) {
    for (const std::string& v : values) {
      if (v.empty()) continue;
      Statement& st = prepared(sql);
      st.bind_blob(1, v);
      for (ClaimRow& r : rows_of(st)) {
        std::string path = r.path;
        out.try_emplace(std::move(path), std::move(r));
      }
    }
  };
  collect(by_claim.c_str(), claims);
  collect(by_uid.c_str(), uids);
  for (const std::string& p : paths)
    if (!out.count(p))
      if (auto r = get(p)) out.emplace(p, std::move(*r));
  std::vector<ClaimRow> rows;
  rows.reserve(out.size());
  for (auto& [path, r] : out) rows.push_back(std::move(r));
  return rows;
}

std::vector<ClaimRow> ClaimIndex::check_rows() {
  // length(), not <> '': the columns hold blobs, and a blob never equals text.
  static const std::string sql =
      std::string("SELECT ") + kColumns +
      " FROM files WHERE report = 1"
      " OR claim IN (SELECT claim FROM files WHERE length(claim) > 0 GROUP BY claim HAVING COUNT(*) > 1)"
      " OR uid IN (SELECT uid FROM files WHERE length(uid) > 0 GROUP BY uid HAVING COUNT(*) > 1)"
      " ORDER BY path";
  return rows_of(prepared(sql.c_str()));
}

std::map<std::pair<std::string, std::string>, int64_t> ClaimIndex::highest() {
  std::vector<std::pair<std::string, std::string>> keys;
  {
    Statement& st = prepared("SELECT p, t FROM seqs");
    while (st.step()) keys.emplace_back(st.column_blob(0), st.column_text(1));
  }
  std::map<std::pair<std::string, std::string>, int64_t> out;
  for (const auto& key : keys) {
    Statement& st = prepared("SELECT MAX(n) FROM claims WHERE p = ? AND t = ?");
    st.bind_blob(1, key.first).bind(2, key.second);
    if (st.step() && !st.column_is_null(0)) out[key] = st.column_int64(0);
  }
  return out;
}

std::map<std::string, std::map<std::string, int64_t>> ClaimIndex::prefix_counts() {
  std::map<std::string, std::map<std::string, int64_t>> out;
  Statement& st = prepared("SELECT root, prefix, n FROM counts WHERE n > 0");
  while (st.step()) out[st.column_blob(0)][st.column_blob(1)] = st.column_int64(2);
  return out;
}

std::map<std::string, std::map<std::pair<std::string, std::string>, int64_t>> ClaimIndex::key_counts() {
  std::map<std::string, std::map<std::pair<std::string, std::string>, int64_t>> out;
  Statement& st = prepared("SELECT root, p, t, n FROM keys WHERE n > 0");
  while (st.step()) out[st.column_blob(0)][{st.column_blob(1), st.column_text(2)}] = st.column_int64(3);
  return out;
}

std::optional<std::string> ClaimIndex::memo(const std::string& key) {
  Statement& st = prepared("SELECT v FROM memo WHERE k = ?");
  st.bind_blob(1, key);
  if (!st.step()) return std::nullopt;
  std::string v = st.column_blob(0);
  st.reset();
  return v;
}

void ClaimIndex::put_memo(const std::string& key, const std::string& value) {
  Statement& st = prepared("INSERT OR REPLACE INTO memo (k, v) VALUES (?, ?)");
  st.bind_blob(1, key).bind_blob(2, value);
  st.step();
}

size_t ClaimIndex::size() {
  Statement& st = prepared("SELECT COUNT(*) FROM files");
  st.step();
  return static_cast<size_t>(st.column_int64(0));
}

}  // namespace kg
