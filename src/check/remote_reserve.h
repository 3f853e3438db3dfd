// Reserving through a git remote, for many clones on many machines
// (docs/reserve.md, "Many clones, many machines"): the remote's ref
// refs/kabsd/sequences holds the last number handed out per sequence, and
// every reservation raises it with a compare-and-swap push before the
// numbers are recorded in the local table and journal.
#pragma once

#include <string>
#include <vector>

#include "check/allocate.h"
#include "git/remote_sequences.h"

namespace kg {

// allocate() with the remote as the authority: fetches the remote's
// sequence ref and branches, takes the local locks, settles the range on
// the remote (first = max(local highest, remote value) + 1; on a moved ref:
// fetch, back off, try again) and records it locally. Throws RemoteError
// when the remote cannot be reached or refuses; nothing is reserved then.
Allocation allocate_remote(const Repo& repo, const ScanOptions& scan, const AllocateRequest& request,
                           const RemoteTransport& transport);

struct RemoteSyncChange {
  std::string product;  // key, the file name
  std::string prefix, type_code;
  int64_t before = 0;   // 0: not on the remote yet
  int64_t after = 0;
};

struct RemoteSync {
  std::string remote;
  std::vector<RemoteSyncChange> changes;  // only what was raised
  bool pushed = false;
};

// Raises the remote's sequence ref to the highest numbers in use on the
// remote's branches (fetched first) for each of `products`; pushes only when
// something rises. Throws RemoteError like allocate_remote.
RemoteSync sync_remote(const Repo& repo, const ScanOptions& scan, const std::vector<const Product*>& products,
                       const RemoteTransport& transport);

}  // namespace kg
