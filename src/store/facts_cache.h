// The clone's cache of parsed results, keyed by git object id: what a blob's
// frontmatter says (FileFacts), and the items below a folder tree. Object ids
// are content addresses, so an entry never goes stale. Lives next to the
// journal in `<git common dir>/kabsd-guard/cache.sqlite3`.
//
// The cache never changes an answer and never fails a command: a cache that
// cannot be opened is off, a corrupt one is deleted and rebuilt silently,
// and KABSD_GUARD_NO_CACHE=1 turns it off.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/item.h"

namespace kg {

class Database;
class Statement;

// One file below a cached folder tree.
struct CachedEntry {
  std::string rel;  // path relative to the folder
  std::string oid;  // raw 20-byte blob id
  bool symlink = false;
  FileFacts facts;  // meaningless for a symlink
};

class FactsCache {
 public:
  // nullptr when the cache is off or cannot be opened.
  static std::unique_ptr<FactsCache> open(const std::string& common_dir);
  ~FactsCache();  // flushes

  // nullopt when unknown (an entry put but not yet written may be missed
  // once many were put: the caller then reads the blob again).
  std::optional<FileFacts> blob(std::string_view oid);
  void put_blob(std::string_view oid, const FileFacts& facts);
  std::optional<std::vector<CachedEntry>> tree(std::string_view oid);
  void put_tree(std::string_view oid, const std::vector<CachedEntry>& entries);
  // Writes what was added, in one transaction (also done on the way, once
  // about 1 MB is pending). Errors are swallowed.
  void flush();

 private:
  explicit FactsCache(std::unique_ptr<Database> db);
  // Lookups share one read transaction, open until flush(): a statement of
  // its own each would lock and unlock the WAL index every time (~10 us,
  // 10,000 times on a cold scan).
  void begin_read();
  void end_read();
  std::unique_ptr<Database> db_;
  std::unique_ptr<Statement> blob_query_;  // prepared once
  bool reading_ = false;                   // inside the read transaction
  std::unordered_map<std::string, FileFacts> memory_;  // read or added in this process
  std::vector<std::pair<std::string, std::string>> pending_blobs_, pending_trees_;
  size_t pending_bytes_ = 0;  // encoded size of what is pending
};

// The serialised form, exposed for tests.
std::string encode_facts(const FileFacts& facts);
std::optional<FileFacts> decode_facts(std::string_view bytes, size_t* used = nullptr);

}  // namespace kg
