// Reading blobs from the object database, whole or only their beginning.
#pragma once

#include <git2.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kg {

// The size of a blob, read from the object header only.
uint64_t blob_size(git_odb* odb, const git_oid& oid);
// The whole blob.
std::string read_blob(git_repository* repo, const git_oid& oid);
// The first `max_bytes` of a blob. Streams loose objects; a packed object
// (libgit2 1.5.1 cannot stream those) is loaded whole and cut.
std::string read_blob_prefix(git_repository* repo, git_odb* odb, const git_oid& oid,
                             size_t max_bytes);

// The order to read `oids` in (a permutation of their indexes) so that
// libgit2 inflates each packed object about once. libgit2 keeps the delta
// bases it resolves on the way to an object in a per-pack cache, but not the
// object itself; packs store a base before its deltas, so reading a pack back
// to front (highest offset first) finds most bases cached already, while tree
// order walks each delta chain again (22 links on average in the bench
// corpus). Object ids found in no pack index of a repository read so far (by
// the functions above) keep their relative order, at the end. Only a
// performance hint: any order gives the same contents.
std::vector<size_t> pack_read_order(const std::vector<git_oid>& oids);

}  // namespace kg
