// The sequence state a git remote holds for every clone (docs/reserve.md,
// "Many clones, many machines"): the ref refs/kabsd/sequences, a commit
// whose tree holds one file per product (model/sequence_file.h). Fetched
// and pushed with the git binary (git/git_process.h); read and written in
// this repository's object database with libgit2. A push is a
// compare-and-swap: --force-with-lease names the commit the new one was
// computed from, and the remote refuses it when the ref moved meanwhile.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "git/error.h"
#include "git/repo.h"

namespace kg {

inline constexpr std::string_view kSequencesRef = "refs/kabsd/sequences";

// The remote cannot be reached, or refuses the update for good (a hook, a
// permission, a protected ref). Nothing was changed on it.
class RemoteError : public GitError {
 public:
  using GitError::GitError;
};

struct RemoteTransport {
  std::string remote;  // a remote's name, or a URL or path
  std::chrono::milliseconds timeout{20000};
};

// The remote to use when none is named: the upstream remote of the current
// branch (branch.<name>.remote), else "origin". Throws RemoteError when
// that remote is not configured.
std::string default_remote(const Repo& repo);
// True when `name` is a configured remote (remote.<name>.url is set).
bool is_configured_remote(const Repo& repo, const std::string& name);

// Where this clone keeps what it last fetched of the remote's sequence ref:
// refs/kabsd/remotes/<remote>/sequences (a URL is reduced to safe characters).
std::string tracking_ref(const std::string& remote);

// The remote's sequence commit as last fetched: its id and files (product
// key -> content); no id when the remote has none yet.
struct SequenceState {
  std::optional<std::string> oid;
  std::map<std::string, std::string> files;
};

// `git fetch` of the sequence ref into tracking_ref(); with `branches`, the
// remote's configured fetch refspecs too, in the same round trip (so the
// remote-tracking branches are current). A remote without the ref is not an
// error: the tracking ref is then removed. Throws RemoteError when git
// fails or times out.
SequenceState fetch_sequences(const Repo& repo, const RemoteTransport& t, bool branches);
// The tracking ref's state, without going to the remote.
SequenceState tracked_sequences(const Repo& repo, const std::string& remote);

// The trees of the remote's tracking branches (refs/remotes/<remote>/*),
// each tree once.
std::vector<Tree> remote_branch_trees(const Repo& repo, const std::string& remote);

// Writes a commit (objects only, no ref) whose tree is `parent`'s with the
// files of `files` replaced; returns its id.
std::string write_sequences_commit(const Repo& repo, const SequenceState& parent,
                                   const std::map<std::string, std::string>& files, const std::string& message);

enum class PushOutcome {
  Updated,  // the remote's ref is now `new_oid`
  Moved,    // the ref was not at `expected` any more (or was locked): fetch and try again
};
// Pushes `new_oid` to the remote's sequence ref if and only if the ref is
// still at `expected` (nullopt: not there). On success the tracking ref is
// set to `new_oid`. Throws RemoteError when the remote refuses for good or
// cannot be reached.
PushOutcome push_sequences(const Repo& repo, const RemoteTransport& t, const std::string& new_oid,
                           const std::optional<std::string>& expected);

}  // namespace kg
