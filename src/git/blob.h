// Reading blobs (whole or only their beginning) and trees from the object
// database: through this thread's PackReader when a pack holds the object,
// else through libgit2.
#pragma once

#include <git2.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

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

// Once a bulk read is over: frees this thread's pack reader (the cache of
// objects rebuilt from deltas that the functions above keep) and lets the
// pages of `repo`'s pack indexes go (memory, issue 5).
void release_read_caches(git_repository* repo);

}  // namespace kg
