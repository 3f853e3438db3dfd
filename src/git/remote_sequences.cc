#include "git/remote_sequences.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <vector>

#include "git/git_process.h"
#include "git/handles.h"

namespace kg {

namespace {

using TreeBuilderPtr = std::unique_ptr<git_treebuilder, GitFree<&git_treebuilder_free>>;
using SignaturePtr = std::unique_ptr<git_signature, GitFree<&git_signature_free>>;
using RemotePtr = std::unique_ptr<git_remote, GitFree<&git_remote_free>>;

constexpr size_t kMaxFileBytes = 64 * 1024;  // a product's file is a few lines

GitProcessOptions process_options(const RemoteTransport& t) {
  GitProcessOptions o;
  o.timeout = t.timeout;
  // Never wait for a password nobody will type; --git-dir below wins over
  // a GIT_DIR a hook inherited, relative to another folder.
  o.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"GIT_DIR", ""}, {"GIT_WORK_TREE", ""}, {"GIT_INDEX_FILE", ""}};
  return o;
}

std::vector<std::string> with_git_dir(const Repo& repo, std::vector<std::string> args) {
  args.insert(args.begin(), "--git-dir=" + repo.git_dir());
  return args;
}

std::string seconds(std::chrono::milliseconds ms) {
  std::ostringstream s;
  s << ms.count() / 1000.0;
  return s.str();
}

[[noreturn]] void fail(const RemoteTransport& t, const char* doing, const GitProcessResult& r) {
  if (r.timed_out)
    throw RemoteError("the remote '" + t.remote + "' did not answer within " + seconds(t.timeout) + " s while " +
                      doing + " " + std::string(kSequencesRef) + " (is it reachable? --remote-timeout sets the limit)");
  std::string why = r.git_complaint();
  throw RemoteError("cannot reach the remote '" + t.remote + "' while " + doing + " " + std::string(kSequencesRef) +
                    ": " + (why.empty() ? "git exited with " + std::to_string(r.status) : why));
}

// The remote's configured fetch refspecs (none for a URL).
std::vector<std::string> branch_refspecs(const Repo& repo, const std::string& remote) {
  std::vector<std::string> out;
  git_remote* raw = nullptr;
  if (git_remote_lookup(&raw, repo.raw(), remote.c_str()) != 0) {
    git_error_clear();
    return out;
  }
  RemotePtr r(raw);
  GitStrArray specs;
  if (git_remote_get_fetch_refspecs(&specs.array, r.get()) != 0) {
    git_error_clear();
    return out;
  }
  for (size_t i = 0; i < specs.array.count; ++i) out.emplace_back(specs.array.strings[i]);
  return out;
}

void delete_ref(const Repo& repo, const std::string& name) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo.raw(), name.c_str()) != 0) {
    git_error_clear();
    return;
  }
  ReferencePtr ref(raw);
  check(git_reference_delete(ref.get()), "removing " + name);
}

std::string oid_hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

git_oid parse_oid(const std::string& hex) {
  git_oid oid;
  check(git_oid_fromstr(&oid, hex.c_str()), "reading the object id " + hex);
  return oid;
}

SequenceState state_at(const Repo& repo, const git_oid& oid) {
  SequenceState s;
  s.oid = oid_hex(oid);
  git_commit* raw_commit = nullptr;
  check(git_commit_lookup(&raw_commit, repo.raw(), &oid), "reading the sequence commit " + *s.oid);
  CommitPtr commit(raw_commit);
  git_tree* raw_tree = nullptr;
  check(git_commit_tree(&raw_tree, commit.get()), "reading the sequence commit's tree");
  TreePtr tree(raw_tree);
  for (size_t i = 0, n = git_tree_entrycount(tree.get()); i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) continue;
    git_blob* raw_blob = nullptr;
    check(git_blob_lookup(&raw_blob, repo.raw(), git_tree_entry_id(e)), "reading a sequence file");
    BlobPtr blob(raw_blob);
    size_t size = static_cast<size_t>(git_blob_rawsize(blob.get()));
    s.files[git_tree_entry_name(e)] =
        std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), std::min(size, kMaxFileBytes));
  }
  return s;
}

bool contains(const std::string& s, std::string_view what) { return s.find(what) != std::string::npos; }

// A refusal by the remote that another try can get past: the ref moved or
// was locked by a concurrent update.
bool transient(const std::string& reason) {
  for (std::string_view w : {"stale info", "fetch first", "non-fast-forward", "already exists", "cannot lock",
                             "failed to lock", "failed to update", "incorrect old value", "but expected",
                             "unable to create", "File exists"})
    if (contains(reason, w)) return true;
  return false;
}

// What the remote printed ("remote: ..." lines, a hook's message), briefly.
std::string remote_says(const std::string& err) {
  std::istringstream lines(err);
  std::string line, out;
  int n = 0;
  while (std::getline(lines, line) && n < 3) {
    if (line.rfind("remote: ", 0) != 0) continue;
    std::string text = line.substr(8);
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    out += (n++ ? " / " : "") + text;
  }
  return out.empty() ? "" : " (the remote says: " + out + ")";
}

}  // namespace

bool is_configured_remote(const Repo& repo, const std::string& name) {
  return !name.empty() && repo.config_string("remote." + name + ".url").has_value();
}

std::string default_remote(const Repo& repo) {
  git_reference* raw = nullptr;
  std::string remote;
  if (git_reference_lookup(&raw, repo.raw(), "HEAD") == 0) {
    ReferencePtr head(raw);
    if (git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC) {
      std::string target = git_reference_symbolic_target(head.get());
      if (target.rfind("refs/heads/", 0) == 0) {
        auto r = repo.config_string("branch." + target.substr(11) + ".remote");
        if (r && *r != ".") remote = *r;
      }
    }
  } else {
    git_error_clear();
  }
  if (remote.empty()) remote = "origin";
  if (!is_configured_remote(repo, remote))
    throw RemoteError("no remote '" + remote + "' is configured (the current branch has no upstream remote); " +
                      "name one with --remote NAME, or set kabsd-guard.reserveRemote");
  return remote;
}

std::string tracking_ref(const std::string& remote) {
  std::string safe;
  for (char c : remote)
    safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  if (safe.empty() || safe.front() == '_') safe = "r" + safe;
  return "refs/kabsd/remotes/" + safe + "/sequences";
}

SequenceState tracked_sequences(const Repo& repo, const std::string& remote) {
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo.raw(), tracking_ref(remote).c_str()) != 0) {
    git_error_clear();
    return {};
  }
  return state_at(repo, oid);
}

SequenceState fetch_sequences(const Repo& repo, const RemoteTransport& t, bool branches) {
  const std::string tracking = tracking_ref(t.remote);
  std::vector<std::string> base{"fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-auto-gc",
                                "--no-recurse-submodules", t.remote};
  std::vector<std::string> refspecs = branches ? branch_refspecs(repo, t.remote) : std::vector<std::string>{};
  std::vector<std::string> args = base;
  args.push_back("+" + std::string(kSequencesRef) + ":" + tracking);
  args.insert(args.end(), refspecs.begin(), refspecs.end());
  GitProcessResult r = run_git(with_git_dir(repo, args), process_options(t));
  if (!r.ok()) {
    if (r.timed_out || !contains(r.err, "couldn't find remote ref " + std::string(kSequencesRef))) fail(t, "fetching", r);
    // The remote has no sequence ref yet: that is a state, not an error.
    delete_ref(repo, tracking);
    if (!refspecs.empty()) {
      args = base;
      args.insert(args.end(), refspecs.begin(), refspecs.end());
      r = run_git(with_git_dir(repo, args), process_options(t));
      if (!r.ok()) fail(t, "fetching", r);
    }
  }
  return tracked_sequences(repo, t.remote);
}

std::vector<Tree> remote_branch_trees(const Repo& repo, const std::string& remote) {
  struct Walk {
    const Repo* repo;
    std::vector<Tree> trees;
    std::set<std::string> seen;
  } walk{&repo, {}, {}};
  const std::string glob = "refs/remotes/" + remote + "/*";
  auto visit = [](const char* name, void* payload) -> int {
    auto* w = static_cast<Walk*>(payload);
    git_object* peeled = nullptr;
    if (git_revparse_single(&peeled, w->repo->raw(), (std::string(name) + "^{tree}").c_str()) != 0) {
      git_error_clear();
      return 0;
    }
    Tree tree{TreePtr(reinterpret_cast<git_tree*>(peeled))};
    if (w->seen.insert(tree.hex()).second) w->trees.push_back(std::move(tree));
    return 0;
  };
  check(git_reference_foreach_glob(repo.raw(), glob.c_str(), visit, &walk), "listing the branches of " + remote);
  return std::move(walk.trees);
}

std::string write_sequences_commit(const Repo& repo, const SequenceState& parent,
                                   const std::map<std::string, std::string>& files, const std::string& message) {
  CommitPtr parent_commit;
  TreePtr parent_tree;
  if (parent.oid) {
    git_oid poid = parse_oid(*parent.oid);
    git_commit* raw = nullptr;
    check(git_commit_lookup(&raw, repo.raw(), &poid), "reading the sequence commit " + *parent.oid);
    parent_commit.reset(raw);
    git_tree* raw_tree = nullptr;
    check(git_commit_tree(&raw_tree, parent_commit.get()), "reading the sequence commit's tree");
    parent_tree.reset(raw_tree);
  }
  git_treebuilder* raw_bld = nullptr;
  check(git_treebuilder_new(&raw_bld, repo.raw(), parent_tree.get()), "building the sequence tree");
  TreeBuilderPtr bld(raw_bld);
  for (const auto& [name, content] : files) {
    git_oid blob;
    check(git_blob_create_from_buffer(&blob, repo.raw(), content.data(), content.size()), "writing a sequence file");
    check(git_treebuilder_insert(nullptr, bld.get(), name.c_str(), &blob, GIT_FILEMODE_BLOB),
          "adding " + name + " to the sequence tree");
  }
  git_oid tree_oid;
  check(git_treebuilder_write(&tree_oid, bld.get()), "writing the sequence tree");
  git_tree* raw_tree = nullptr;
  check(git_tree_lookup(&raw_tree, repo.raw(), &tree_oid), "reading the sequence tree");
  TreePtr tree(raw_tree);
  git_signature* raw_sig = nullptr;
  check(git_signature_now(&raw_sig, "kabsd-guard", "kabsd-guard@localhost"), "making a signature");
  SignaturePtr sig(raw_sig);
  const git_commit* parents[1] = {parent_commit.get()};
  git_oid commit_oid;
  check(git_commit_create(&commit_oid, repo.raw(), nullptr, sig.get(), sig.get(), nullptr, message.c_str(),
                          tree.get(), parent_commit ? 1 : 0, parents),
        "writing the sequence commit");
  return oid_hex(commit_oid);
}

PushOutcome push_sequences(const Repo& repo, const RemoteTransport& t, const std::string& new_oid,
                           const std::optional<std::string>& expected) {
  const std::string ref(kSequencesRef);
  std::vector<std::string> args{"push", "--porcelain", "--no-verify",
                                "--force-with-lease=" + ref + ":" + expected.value_or(""), t.remote,
                                new_oid + ":" + ref};
  GitProcessResult r = run_git(with_git_dir(repo, args), process_options(t));
  if (r.timed_out) fail(t, "pushing", r);
  // Porcelain: "<flag>\t<src>:<dst>\t<summary>" per ref; '!' is a refusal.
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() < 2 || line[1] != '\t' || !contains(line, ":" + ref + "\t")) continue;
    std::string summary = line.substr(line.find('\t', 2) + 1);
    if (line[0] != '!') {
      if (!r.ok()) break;
      git_oid oid = parse_oid(new_oid);
      git_reference* raw = nullptr;
      check(git_reference_create(&raw, repo.raw(), tracking_ref(t.remote).c_str(), &oid, 1, "kabsd-guard: pushed"),
            "recording the pushed sequence commit");
      git_reference_free(raw);
      return PushOutcome::Updated;
    }
    if (transient(summary)) return PushOutcome::Moved;
    size_t open = summary.find('('), close = summary.rfind(')');
    std::string reason = open != std::string::npos && close > open ? summary.substr(open + 1, close - open - 1) : summary;
    throw RemoteError("the remote '" + t.remote + "' refused to update " + ref + ": " + reason +
                      remote_says(r.err) +
                      "; nothing was reserved. The remote must accept pushes to refs/kabsd/* "
                      "(docs/reserve.md, \"Many clones, many machines\")");
  }
  fail(t, "pushing", r);
}

}  // namespace kg
