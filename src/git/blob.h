// Reading blobs (whole or only their beginning) from the object database:
// through the Repo's ObjectStore (object_store.h) when a pack holds the
// object, else through libgit2, else through `git cat-file --batch`.
#pragma once

#include <git2.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "git/repo.h"

namespace kg {

// The size of a blob, read from the object header only.
uint64_t blob_size(git_odb* odb, const git_oid& oid);
// The whole blob.
std::string read_blob(const Repo& repo, const git_oid& oid);
// The first `max_bytes` of a blob. Packed blobs are read by the Repo's
// ObjectStore (a blob stored whole is inflated only that far); loose ones
// are streamed from `odb` (the Repo's).
std::string read_blob_prefix(const Repo& repo, git_odb* odb, const git_oid& oid, size_t max_bytes);

// In a partial clone, fetches the objects of `oids` that the object store
// lacks in one `git fetch` from the promisor remote, as git does before a
// checkout, so that reading them does not cost a round trip each (the
// reads fetch one by one otherwise, through `git cat-file`). Does nothing
// in a full clone. A failed fetch is left to the reads, which then say what
// they cannot read.
void fetch_missing(git_repository* repo, const std::vector<git_oid>& oids);

// Once a bulk read is over: frees the Repo's pack readers (the caches of
// objects rebuilt from deltas that the functions above keep) and lets the
// pages of its pack indexes go (memory, issue 5). ObjectStore::release.
void release_read_caches(const Repo& repo);

}  // namespace kg
