// Reading blobs (whole or only their beginning) and trees from the object
// database: through this thread's PackReader when a pack holds the object,
// else through libgit2.
#pragma once

#include <git2.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kg {

// The size of a blob, read from the object header only.
uint64_t blob_size(git_odb* odb, const git_oid& oid);
// The whole blob.
std::string read_blob(git_repository* repo, const git_oid& oid);
// The first `max_bytes` of a blob. Packed blobs are read by this thread's
// PackReader (a blob stored whole is inflated only that far); loose ones
// are streamed.
std::string read_blob_prefix(git_repository* repo, git_odb* odb, const git_oid& oid,
                             size_t max_bytes);

// The raw content of tree `oid` (its entries as git stores them); nullopt
// when `oid` names another kind of object.
std::optional<std::string> read_tree_data(git_repository* repo, const git_oid& oid);

// In a partial clone, fetches the objects of `oids` that the object store
// lacks in one `git fetch` from the promisor remote, as git does before a
// checkout, so that reading them does not cost a round trip each (the
// reads fetch one by one otherwise, through `git cat-file`). Does nothing
// in a full clone. A failed fetch is left to the reads, which then say what
// they cannot read.
void fetch_missing(git_repository* repo, const std::vector<git_oid>& oids);

// Once a bulk read is over: frees this thread's pack reader (the cache of
// objects rebuilt from deltas that the functions above keep) and lets the
// pages of `repo`'s pack indexes go (memory, issue 5).
void release_read_caches(git_repository* repo);

}  // namespace kg
