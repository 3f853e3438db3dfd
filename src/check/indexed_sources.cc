// Every snapshot the repository can see, read by the indexed reader
// (check/snapshot.h) through the claim index: HEAD's snapshot answers for
// HEAD, and every other snapshot (branches, the index, the working tree)
// adds only the files where it differs from HEAD (or from the index). The
// highest over HEAD plus a source's differing files is the highest over
// HEAD plus that source, so nothing read is lost and nothing else is read.
#include <sys/stat.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <future>

#include "check/claims.h"
#include "check/sources.h"
#include "git/blob.h"
#include "git/index_file.h"
#include "git/index_view.h"
#include "git/refs.h"
#include "git/tree_view.h"
#include "git/workdir_view.h"
#include "git/worktree_changes.h"
#include "git/worktrees.h"
#include "model/layout.h"
#include "store/cache_file.h"
#include "util/files.h"
#include "util/paths.h"

namespace kg {

namespace {

using RawHighest = std::map<std::pair<std::string, std::string>, int64_t>;

void add_row(RawHighest& raw, const ClaimRow& row) {
  for (const ClaimRow::Number& num : row.numbers) {
    int64_t& v = raw[{num.prefix, num.type}];
    v = std::max(v, num.n);
  }
}

// One snapshot's difference from the one it is read against.
using KeyCounts = std::map<std::string, std::map<SequenceKey, int64_t>>;

void count(PrefixCounts& counts, KeyCounts& keys, const ClaimRow& row, int delta) {
  if (!row.prefix.empty()) counts[row.root][row.prefix] += delta;
  for (const ClaimRow::Number& num : row.numbers)
    if (num.type != "ADR") keys[row.root][{num.prefix, num.type}] += delta;
}

struct Difference {
  RawHighest raw;       // numbers of its differing files
  PrefixCounts counts;  // its prefix counts
  KeyCounts keys;       // its sequence counts
  std::map<std::string, ClaimRow> rows;  // its differing files, by path
};

// A Difference as bytes (its rows left out): length-prefixed fields.
void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

bool get(std::string_view& in, std::string& field) {
  size_t colon = in.find(':');
  if (colon == std::string_view::npos) return false;
  size_t n = 0;
  for (char c : in.substr(0, colon)) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  if (in.size() - colon - 1 < n) return false;
  field.assign(in.substr(colon + 1, n));
  in.remove_prefix(colon + 1 + n);
  return true;
}

std::string encode(const Difference& d) {
  std::string out;
  for (const auto& [key, n] : d.raw) put(out, "R"), put(out, key.first), put(out, key.second), put(out, std::to_string(n));
  for (const auto& [root, m] : d.counts)
    for (const auto& [prefix, n] : m) put(out, "C"), put(out, root), put(out, prefix), put(out, std::to_string(n));
  for (const auto& [root, m] : d.keys)
    for (const auto& [key, n] : m)
      put(out, "K"), put(out, root), put(out, key.first), put(out, key.second), put(out, std::to_string(n));
  return out;
}

std::optional<Difference> decode(std::string_view in) {
  Difference d;
  std::string tag, a, b, c, n;
  while (!in.empty()) {
    if (!get(in, tag) || !get(in, a) || !get(in, b)) return std::nullopt;
    if (tag == "K" && !get(in, c)) return std::nullopt;
    if (!get(in, n)) return std::nullopt;
    int64_t v = std::strtoll(n.c_str(), nullptr, 10);
    if (tag == "R") d.raw[{a, b}] = v;
    else if (tag == "C") d.counts[a][b] = v;
    else if (tag == "K") d.keys[a][{b, c}] = v;
    else return std::nullopt;
  }
  return d;
}

class Reader {
 public:
  Reader(ClaimSnapshot& snap, BlobFacts& facts)
      : snap_(snap), facts_(facts),
        head_counts_(snap.index->prefix_counts()), head_keys_(snap.index->key_counts()),
        head_prefixes_(prefix_by_root(snap.config, head_counts_)) {
    add_raw_highest(highest_, snap.index->highest(), head_prefixes_);
  }

  Highest& highest() { return highest_; }
  const PrefixCounts& head_counts() const { return head_counts_; }
  const KeyCounts& head_keys() const { return head_keys_; }

  // A snapshot given as files that differ from HEAD's (base == nullptr) or
  // from `base`. nullopt when a difference changes the layout.
  std::optional<Difference> read(const std::vector<Delta>& deltas, const Difference* base) {
    Difference d;
    d.counts = base ? base->counts : head_counts_;
    d.keys = base ? base->keys : head_keys_;
    if (base) d.rows = base->rows;
    for (const Delta& delta : deltas) {
      if (changes_layout(snap_.config, delta.path)) return std::nullopt;
      auto where = place(snap_.config, delta.path);
      if (!where) continue;
      if (auto old = old_row(delta.path, base)) count(d.counts, d.keys, *old, -1);
      d.rows.erase(delta.path);
      if (is_regular_file_mode(delta.new_mode)) {
        ClaimRow row = claim_row(item_at(facts_, *where, delta.path, delta.new_oid), delta.new_oid);
        count(d.counts, d.keys, row, 1);
        add_row(d.raw, row);
        d.rows.emplace(delta.path, std::move(row));
      }
    }
    return d;
  }

  // Working-tree files that differ from the index (`index_diff`).
  std::optional<Difference> read_files(const std::string& workdir, const std::vector<std::string>& paths,
                                       const Difference& index_diff) {
    Difference d;
    d.counts = index_diff.counts;
    d.keys = index_diff.keys;
    d.rows = index_diff.rows;
    for (const std::string& path : paths) {
      auto where = place(snap_.config, path);
      if (!where) continue;
      if (auto old = old_row(path, &index_diff)) count(d.counts, d.keys, *old, -1);
      d.rows.erase(path);  // deleted, or not a file: no item there now
      // As a full scan sees it: a symlink is reported, not followed (it may
      // point anywhere, a FIFO included); other non-files are not items.
      const std::string full = workdir + "/" + path;
      struct stat st {};
      if (::lstat(full.c_str(), &st) != 0) continue;
      ClaimRow row;
      if (S_ISLNK(st.st_mode)) {
        row = symlink_row(path, where->root, git_oid{});
      } else {
        std::optional<std::string> text = read_regular_prefix(full, kMaxFrontmatterRead);
        if (!text) continue;
        row = claim_row(make_item(path, where->root, where->adr, facts_of(*text)), git_oid{});
      }
      count(d.counts, d.keys, row, 1);
      add_row(d.raw, row);
      d.rows[path] = std::move(row);
    }
    return d;
  }

  void add(const Difference& d) {
    auto prefixes = prefix_by_root(snap_.config, d.counts);
    add_raw_highest(highest_, d.raw, prefixes);
    // Unchanged decisions count under this snapshot's prefix too when it
    // resolves its products' prefixes differently from HEAD.
    if (prefixes != head_prefixes_) add_raw_highest(highest_, snap_.index->highest(), prefixes);
  }

 private:
  // The row a path has in the snapshot a difference is taken against.
  std::optional<ClaimRow> old_row(const std::string& path, const Difference* base) {
    if (base) {
      auto it = base->rows.find(path);
      if (it != base->rows.end()) return it->second;
    }
    return snap_.index->get(path);
  }

  ClaimSnapshot& snap_;
  BlobFacts& facts_;
  PrefixCounts head_counts_;
  KeyCounts head_keys_;
  std::map<std::string, std::string> head_prefixes_;
  Highest highest_;
};

// The stat pass's folder listings: per working tree, beside its index.
std::string listings_path(const Repo& repo) {
  if (caches_off()) return {};
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::path(repo.git_dir()) / "kabsd-guard";
  std::filesystem::create_directories(dir, ec);
  return (dir / "cache-dirs").string();
}

std::vector<std::string> item_dirs(const Config& config) {
  std::vector<std::string> out;
  for (const Product& p : config.products)
    for (const char* sub : {"items", "decisions"}) out.push_back(path_join(p.root, sub));
  return out;
}

// An index file read before the claim index is current (see below).
constexpr off_t kSmallIndexFile = off_t{4} << 20;

// The working tree's stat pass (most of a warm run: a stat per item file),
// which reads the index file first (the caller gets it too). Started in the
// background, it runs beside the reading of HEAD, branches and the index;
// its answer is used only if the working tree turns out to have HEAD's
// layout. Run in the foreground (a large index), its memory is what the
// caller's heap has freed, not new threads' arenas.
class StatPass {
 public:
  StatPass() = default;
  StatPass(const StatPass&) = delete;
  StatPass& operator=(const StatPass&) = delete;
  ~StatPass() {
    if (background_.valid()) background_.wait();  // before index_ goes
  }

  void start(const Repo& repo, const Config& config, bool background) {
    const std::string path = IndexFile::path_for(repo);
    auto run = [this, path, workdir = repo.workdir(), dirs = item_dirs(config), listings = listings_path(repo)] {
      try {
        index_ = IndexFile::read(path);
      } catch (...) {
        index_promise_.set_exception(std::current_exception());
        throw;
      }
      index_promise_.set_value();
      if (!index_) return std::vector<std::string>();
      return worktree_changes(workdir, *index_, dirs, is_excluded_dir, listings);
    };
    index_ready_ = index_promise_.get_future().share();
    if (background) {
      background_ = std::async(std::launch::async, std::move(run));
      return;
    }
    try {
      changes_ = run();
    } catch (...) {  // reported by changes(), if asked: as in the background
      failed_ = std::current_exception();
    }
  }
  // The index file (nullopt when unreadable, or the stat pass never
  // started: a bare repository); waits for it.
  const std::optional<IndexFile>& index() {
    if (index_ready_.valid()) index_ready_.get();
    return index_;
  }
  // The files that may differ from the index (worktree_changes); waits.
  std::vector<std::string> changes() {
    if (background_.valid()) return background_.get();
    if (failed_) std::rethrow_exception(failed_);
    return std::move(changes_);
  }

 private:
  std::optional<IndexFile> index_;
  std::promise<void> index_promise_;
  std::shared_future<void> index_ready_;
  std::vector<std::string> changes_;
  std::exception_ptr failed_;
  std::future<std::vector<std::string>> background_;
};

// The branches other than HEAD, each as the files where it differs from
// HEAD (remembered until HEAD's tree moves), or scanned whole when its
// layout differs.
void read_branches(const Repo& repo, const ScanOptions& scan, ClaimSnapshot& snap, const std::optional<Tree>& head,
                   Reader& reader, const std::vector<std::string>& prefixes) {
  for (const auto& [name, tree] : ref_trees(repo)) {
    if (git_oid_equal(&tree.id(), &snap.tree.id())) continue;
    const std::string memo_key = "ref\n" + tree.hex();
    std::optional<Difference> d;
    if (auto memo = snap.index->memo(memo_key)) d = decode(*memo);
    if (!d && same_layout(snap.config, snap.tree, load_products(TreeView(repo, tree), scan).config, tree, scan)) {
      d = reader.read(tree_delta(repo, head, tree, prefixes), nullptr);
      if (d) snap.index->put_memo(memo_key, encode(*d));
    }
    if (d) reader.add(*d);
    else add_highest(scan_backlog(TreeView(repo, tree), scan), reader.highest());
  }
}

// The working tree's sequences and config, as seen_everywhere reports them.
struct Worktree {
  KeyCounts keys;
  PrefixCounts counts;
  Config config;
  bool resolved = false;  // config's prefixes
};

// The index and the working tree: the files staged (differing from HEAD),
// then the working-tree files the stat pass found differing from the index;
// each scanned whole when its layout differs from HEAD's.
Worktree read_index_and_worktree(const Repo& repo, const ScanOptions& scan, ClaimSnapshot& snap,
                                 const std::optional<Tree>& head, Reader& reader, StatPass& stat_pass,
                                 const std::vector<std::string>& prefixes) {
  const Config& config = snap.config;
  Worktree out{reader.head_keys(), reader.head_counts(), config, false};
  std::optional<Difference> staged;
  const std::optional<IndexFile>& index = stat_pass.index();
  if (index && same_layout(config, snap.tree, *index, scan))
    staged = reader.read(index_delta(repo, head, *index, prefixes), nullptr);
  if (staged) reader.add(*staged);
  else add_highest(scan_backlog(IndexView(repo), scan), reader.highest());

  std::optional<Difference> files;
  Backlog on_disk = load_products(WorkdirView(repo.workdir()), scan);
  bool same = staged && config_fingerprint(on_disk.config) == config_fingerprint(config);
  if (same && !scan.config_text && !config.path.empty()) {
    same = TreeView(repo, snap.tree).read(config.path, kMaxConfigBytes + 1) ==
           WorkdirView(repo.workdir()).read(config.path, kMaxConfigBytes + 1);
  }
  if (same) files = reader.read_files(repo.workdir(), stat_pass.changes(), *staged);
  if (files) {
    reader.add(*files);
    out.counts = std::move(files->counts);
    out.keys = std::move(files->keys);
    return out;
  }
  Backlog wt = scan_worktree(repo, scan);
  add_highest(wt, reader.highest());
  out.keys.clear();
  for (const Item& item : wt.items)
    for (const SequenceKey& key : sequence_keys(item)) out.keys[item.product_root][key]++;
  out.config = std::move(wt.config);
  out.resolved = true;
  return out;
}

}  // namespace

std::optional<SeenEverywhere> seen_everywhere_indexed(const Repo& repo, const ScanOptions& scan) {
  if (!scan.cache) return std::nullopt;
  std::optional<Tree> head = repo.head_tree();
  if (!head) return std::nullopt;
  Config config = load_products(TreeView(repo, *head), scan).config;
  if (config.products.empty()) return std::nullopt;
  // With a small index file the stat pass starts in the background before
  // the claim index is brought to HEAD; with a large one it runs in the
  // foreground once HEAD and the branches have been read and their caches
  // let go, so that its memory (21 MB at 100,000 items) does not add to
  // theirs (first reserve at 100k: 45 MB, against 52 MB overlapped).
  StatPass stat_pass;
  struct stat index_st {};
  const bool small_index = !repo.is_bare() && ::stat(IndexFile::path_for(repo).c_str(), &index_st) == 0 &&
                           index_st.st_size <= kSmallIndexFile;
  if (small_index) stat_pass.start(repo, config, /*background=*/true);
  BlobFacts facts(repo, scan.cache);
  std::optional<ClaimSnapshot> snap = snapshot_at(repo, scan, facts, *head, config);
  if (!snap) return std::nullopt;
  Reader reader(*snap, facts);
  const std::vector<std::string> prefixes = backlog_prefixes(config, scan);
  read_branches(repo, scan, *snap, head, reader, prefixes);

  release_read_caches(repo);  // branches read: their caches go (memory at 100,000 items)
  if (!repo.is_bare() && !small_index) stat_pass.start(repo, config, /*background=*/false);
  Worktree wt{reader.head_keys(), reader.head_counts(), config, false};
  if (!repo.is_bare()) wt = read_index_and_worktree(repo, scan, *snap, head, reader, stat_pass, prefixes);
  for_each_sibling_source(repo, scan, [&](const std::string&, const Backlog& b) { add_highest(b, reader.highest()); });
  SeenEverywhere out;
  out.highest = std::move(reader.highest());
  if (!wt.resolved) resolve_prefixes(wt.config, wt.counts);
  out.config = std::move(wt.config);
  for (const auto& [root, keys] : wt.keys)
    for (const auto& [key, n] : keys)
      if (n > 0) out.item_keys[root].insert(key);
  return out;
}

}  // namespace kg
