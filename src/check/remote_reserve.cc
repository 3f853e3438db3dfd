#include "check/remote_reserve.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "git/tree_view.h"
#include "model/sequence_file.h"
#include "model/uuid7.h"
#include "store/reservation.h"
#include "util/file_lock.h"

namespace kg {

namespace {

using std::chrono::milliseconds;

constexpr int kMaxAttempts = 60;

// Serialises this clone's fetches of one remote (two git fetches updating
// the same refs at once would fail on each other's ref locks).
FileLock fetch_lock(const Repo& repo, const RemoteTransport& t) {
  return FileLock(repo.common_dir() + "/kabsd-guard/remote-fetch.lock", t.timeout * 2);
}


// A random pause before the next try, growing with each: 5 ms to 400 ms.
void back_off(int attempt) {
  static thread_local std::mt19937 rng(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  int cap = std::min(400, 5 << std::min(attempt, 7));
  std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(cap / 2, cap)(rng)));
}

void require_file_name(const Product& p) {
  if (!is_sequence_file_name(p.key))
    throw RemoteError("the product key '" + p.key + "' cannot name a file of " + std::string(kSequencesRef) +
                      " (use letters, digits, '.', '_' and '-')");
}

SequenceFile parsed(const SequenceState& state, const std::string& remote, const std::string& key) {
  auto it = state.files.find(key);
  if (it == state.files.end()) return {};
  SequenceFile f = parse_sequence_file(it->second);
  if (!f.errors.empty())
    throw RemoteError("the file '" + key + "' of " + std::string(kSequencesRef) + " on the remote '" + remote +
                      "' (commit " + state.oid.value_or("?") + ") is damaged: " + f.errors.front() +
                      "; fix it by hand (docs/reserve.md)");
  return f;
}

std::string host_name() {
  char buf[256] = {};
  return ::gethostname(buf, sizeof buf - 1) == 0 ? buf : "?";
}

// The compare-and-swap loop: `change` computes the new files from the
// remote's state (nullopt: nothing to write); returns the state it was
// applied to. Moves of the ref in between are fetched and retried.
// The caller holds fetch_lock(): the loop updates the tracking ref.
template <typename Change>
SequenceState cas_loop(const Repo& repo, const RemoteTransport& t, SequenceState state, Change change) {
  for (int attempt = 1;; ++attempt) {
    auto update = change(state);
    if (!update) return state;
    std::string commit = write_sequences_commit(repo, state, update->first, update->second);
    if (push_sequences(repo, t, commit, state.oid) == PushOutcome::Updated) return state;
    if (attempt == kMaxAttempts)
      throw RemoteError("gave up after " + std::to_string(kMaxAttempts) + " tries: " + std::string(kSequencesRef) +
                        " on the remote '" + t.remote + "' kept moving; nothing was reserved");
    back_off(attempt);
    state = fetch_sequences(repo, t, false);
  }
}

using Files = std::map<std::string, std::string>;

}  // namespace

Allocation allocate_remote(const Repo& repo, const ScanOptions& scan, const AllocateRequest& r,
                           const RemoteTransport& t) {
  require_file_name(*r.product);
  {
    FileLock lock = fetch_lock(repo, t);
    fetch_sequences(repo, t, true);  // the remote's branches count for the floor too
  }
  const std::string prefix = r.product->prefix, code(type_code(r.type)), key = r.product->key;
  AllocateRequest local = r;
  std::string where = host_name() + ":" + (repo.is_bare() ? repo.git_dir() : repo.workdir());
  // Under the clone's locks: the state this clone last fetched or pushed,
  // then the loop. The locks keep every other reservation of this clone
  // (and the Python tool) out until the range is recorded here.
  auto settle = [&](int64_t highest) {
    FileLock lock = fetch_lock(repo, t);
    int64_t first = 0;
    cas_loop(repo, t, tracked_sequences(repo, t.remote), [&](const SequenceState& state) {
      SequenceFile f = parsed(state, t.remote, key);
      int64_t& last = f.values[{prefix, code}];
      first = std::max(highest, last) + 1;
      if (first > kMaxNumber - r.count + 1)
        throw OutOfNumbers("no valid number is left for " + prefix + "-" + code + " on the remote '" + t.remote + "'");
      last = first + r.count - 1;
      std::string message = "reserve " + prefix + "-" + code + " " + std::to_string(first) +
                            (r.count > 1 ? ".." + std::to_string(last) : "") + "\n\nproduct: " + key +
                            "\nby: " + where + "\n";
      return std::optional<std::pair<Files, std::string>>({{{key, format_sequence_file(key, f.values)}}, message});
    });
    return first;
  };
  local.settle = settle;
  return allocate(repo, scan, local);
}

RemoteSync sync_remote(const Repo& repo, const ScanOptions& scan, const std::vector<const Product*>& products,
                       const RemoteTransport& t) {
  for (const Product* p : products) require_file_name(*p);
  RemoteSync out;
  out.remote = t.remote;
  FileLock lock = fetch_lock(repo, t);
  SequenceState state = fetch_sequences(repo, t, true);
  // The highest numbers on the remote's branches, as just fetched.
  Highest highest;
  std::map<std::string, std::set<SequenceKey>> item_keys;
  for (const Tree& tree : remote_branch_trees(repo, t.remote)) {
    Backlog b = scan_backlog(TreeView(repo, tree), scan);
    add_highest(b, highest);
    for (const Item& item : b.items)
      for (SequenceKey& k : sequence_keys(item)) item_keys[item.product_root].insert(std::move(k));
  }
  static const std::set<SequenceKey> none;
  cas_loop(repo, t, std::move(state), [&](const SequenceState& s) {
    out.changes.clear();
    Files files;
    for (const Product* p : products) {
      auto keys = item_keys.find(p->root);
      Highest rows = product_sequences(*p, keys == item_keys.end() ? none : keys->second, highest);
      SequenceFile f = parsed(s, t.remote, p->key);
      bool raised = false;
      for (const auto& [k, n] : rows) {
        auto it = f.values.find({k.first, k.second});
        int64_t v = it == f.values.end() ? 0 : it->second;
        if (n <= v) continue;
        out.changes.push_back({p->key, k.first, k.second, v, n});
        f.values[{k.first, k.second}] = n;
        raised = true;
      }
      if (raised) files[p->key] = format_sequence_file(p->key, f.values);
    }
    if (files.empty()) return std::optional<std::pair<Files, std::string>>();
    return std::optional<std::pair<Files, std::string>>(
        {files, "sync: raise to the highest numbers on the remote's branches\n\nby: " + host_name() + "\n"});
  });
  out.pushed = !out.changes.empty();
  return out;
}

}  // namespace kg
