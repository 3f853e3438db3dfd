#include "store/facts_cache.h"

#include <algorithm>
#include <cstdlib>

#include "store/cache_file.h"
#include "util/build_fingerprint.h"
#include "store/sqlite.h"

namespace kg {

namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS blobs (oid BLOB PRIMARY KEY, facts BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS trees (oid BLOB PRIMARY KEY, entries BLOB NOT NULL) WITHOUT ROWID;";
// Memory: a first scan of 100,000 items adds as many entries. Past these
// sizes entries go to the database in batches, and the in-process memo
// (lookups repeated within one command) stops growing.
constexpr size_t kMemoLimit = 16384;
constexpr size_t kPendingLimit = size_t{1} << 20;  // bytes

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

bool get_u32(std::string_view in, size_t& pos, uint32_t& v) {
  if (pos + 4 > in.size()) return false;
  v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(in[pos + i])) << (8 * i);
  pos += 4;
  return true;
}

void put_str(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

bool get_str(std::string_view in, size_t& pos, std::string& s) {
  uint32_t n;
  if (!get_u32(in, pos, n) || pos + n > in.size()) return false;
  s.assign(in.substr(pos, n));
  pos += n;
  return true;
}

std::unique_ptr<Database> open_db(const std::string& path) {
  auto db = std::make_unique<Database>(path, Database::Mode::ReadWriteCreate);
  db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");
  int64_t version = 0;
  {
    auto st = db->prepare("PRAGMA user_version");
    if (st.step()) version = st.column_int64(0);
  }  // finalized: a pending statement would keep DROP TABLE from running
  if (version != cache_user_version("facts")) {
    db->exec("DROP TABLE IF EXISTS blobs; DROP TABLE IF EXISTS trees;");
    db->exec("PRAGMA user_version=" + std::to_string(cache_user_version("facts")));
  }
  db->exec(kSchema);
  return db;
}

}  // namespace

std::string encode_facts(const FileFacts& f) {
  std::string out;
  uint32_t flags = (f.parsed ? 1u : 0u) | (f.has_id_key ? 2u : 0u) | (f.id ? 4u : 0u) | (f.uid ? 8u : 0u) |
                   (f.document ? 16u : 0u);
  // flags: 1 parsed, 2 has_id_key, 4 id, 8 uid, 16 document
  put_u32(out, flags);
  put_u32(out, static_cast<uint32_t>(f.error_line));
  put_u32(out, static_cast<uint32_t>(f.id_line));
  put_u32(out, static_cast<uint32_t>(f.ambiguity_line));
  put_u32(out, static_cast<uint32_t>(f.limit_line));
  put_str(out, f.error);
  put_str(out, f.id.value_or(""));
  put_str(out, f.uid.value_or(""));
  put_str(out, f.ambiguity);
  put_str(out, f.limit);
  return out;
}

std::optional<FileFacts> decode_facts(std::string_view in, size_t* used) {
  size_t pos = 0;
  uint32_t flags, error_line, id_line, ambiguity_line, limit_line;
  FileFacts f;
  std::string id, uid;
  if (!get_u32(in, pos, flags) || !get_u32(in, pos, error_line) || !get_u32(in, pos, id_line) ||
      !get_u32(in, pos, ambiguity_line) || !get_u32(in, pos, limit_line) || !get_str(in, pos, f.error) ||
      !get_str(in, pos, id) || !get_str(in, pos, uid) || !get_str(in, pos, f.ambiguity) ||
      !get_str(in, pos, f.limit))
    return std::nullopt;
  f.parsed = flags & 1;
  f.has_id_key = flags & 2;
  f.document = flags & 16;
  f.ambiguity_line = static_cast<int>(ambiguity_line);
  f.limit_line = static_cast<int>(limit_line);
  if (flags & 4) f.id = std::move(id);
  if (flags & 8) f.uid = std::move(uid);
  f.error_line = static_cast<int>(error_line);
  f.id_line = static_cast<int>(id_line);
  if (used) *used = pos;
  return f;
}

std::unique_ptr<FactsCache> FactsCache::open(const std::string& common_dir) {
  std::unique_ptr<Database> db = open_cache_file(common_dir, "cache.sqlite3", open_db);
  return db ? std::unique_ptr<FactsCache>(new FactsCache(std::move(db))) : nullptr;
}

FactsCache::FactsCache(std::unique_ptr<Database> db) : db_(std::move(db)) {}

FactsCache::~FactsCache() {
  flush();
  blob_query_.reset();  // before the database closes
}

void FactsCache::begin_read() {
  if (reading_) return;
  db_->exec("BEGIN");
  reading_ = true;
}

void FactsCache::end_read() {
  if (!reading_) return;
  reading_ = false;
  if (blob_query_) blob_query_->reset();
  try {
    db_->exec("COMMIT");
  } catch (const StoreError&) {
  }
}

std::optional<FileFacts> FactsCache::blob(std::string_view oid) {
  auto it = memory_.find(std::string(oid));
  if (it != memory_.end()) return it->second;
  try {
    begin_read();
    if (!blob_query_)
      blob_query_ = std::make_unique<Statement>(db_->prepare("SELECT facts FROM blobs WHERE oid = ?"));
    Statement& st = *blob_query_;
    st.reset();
    st.bind_blob(1, oid);
    if (!st.step()) return std::nullopt;
    auto f = decode_facts(st.column_blob(0));
    st.reset();
    if (f && memory_.size() < kMemoLimit) memory_.emplace(std::string(oid), *f);
    return f;
  } catch (const StoreError&) {
    return std::nullopt;
  }
}

void FactsCache::put_blob(std::string_view oid, const FileFacts& facts) {
  std::string key(oid);
  if (memory_.count(key)) return;
  if (memory_.size() < kMemoLimit) memory_.emplace(key, facts);
  pending_blobs_.emplace_back(std::move(key), encode_facts(facts));  // a repeat is ignored on insert
  pending_bytes_ += pending_blobs_.back().second.size();
  if (pending_bytes_ >= kPendingLimit) flush();
}

std::optional<std::vector<CachedEntry>> FactsCache::tree(std::string_view oid) {
  try {
    begin_read();
    auto st = db_->prepare("SELECT entries FROM trees WHERE oid = ?");
    st.bind_blob(1, oid);
    if (!st.step()) return std::nullopt;
    std::string bytes = st.column_blob(0);
    std::string_view in = bytes;
    size_t pos = 0;
    uint32_t n;
    if (!get_u32(in, pos, n)) return std::nullopt;
    std::vector<CachedEntry> out(n);
    for (CachedEntry& e : out) {
      uint32_t symlink;
      if (!get_str(in, pos, e.rel) || !get_str(in, pos, e.oid) || !get_u32(in, pos, symlink))
        return std::nullopt;
      e.symlink = symlink != 0;
      size_t used = 0;
      auto f = decode_facts(in.substr(pos), &used);
      if (!f) return std::nullopt;
      e.facts = std::move(*f);
      pos += used;
      if (!e.symlink && memory_.size() < kMemoLimit) memory_.emplace(e.oid, e.facts);
    }
    return out;
  } catch (const StoreError&) {
    return std::nullopt;
  }
}

void FactsCache::put_tree(std::string_view oid, const std::vector<CachedEntry>& entries) {
  std::string out;
  put_u32(out, static_cast<uint32_t>(entries.size()));
  for (const CachedEntry& e : entries) {
    put_str(out, e.rel);
    put_str(out, e.oid);
    put_u32(out, e.symlink ? 1 : 0);
    out += encode_facts(e.facts);
  }
  pending_bytes_ += out.size();
  pending_trees_.emplace_back(std::string(oid), std::move(out));
  if (pending_bytes_ >= kPendingLimit) flush();
}

void FactsCache::flush() {
  end_read();
  if (pending_blobs_.empty() && pending_trees_.empty()) return;
  try {
    db_->exec("BEGIN");
    auto blobs = db_->prepare("INSERT OR IGNORE INTO blobs (oid, facts) VALUES (?, ?)");
    // In key order: each page of the table is then written once per batch.
    std::sort(pending_blobs_.begin(), pending_blobs_.end());
    for (const auto& [oid, bytes] : pending_blobs_) {
      blobs.bind_blob(1, oid).bind_blob(2, bytes);
      blobs.step();
      blobs.reset();
    }
    auto trees = db_->prepare("INSERT OR IGNORE INTO trees (oid, entries) VALUES (?, ?)");
    for (const auto& [oid, bytes] : pending_trees_) {
      trees.bind_blob(1, oid).bind_blob(2, bytes);
      trees.step();
      trees.reset();
    }
    db_->exec("COMMIT");
  } catch (const StoreError&) {
    try {
      db_->exec("ROLLBACK");
    } catch (const StoreError&) {
    }
  }
  pending_blobs_.clear();
  pending_trees_.clear();
  pending_bytes_ = 0;
}

}  // namespace kg
