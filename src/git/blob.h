// Reading blobs from the object database, whole or only their beginning.
#pragma once

#include <git2.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace kg {

// The size of a blob, read from the object header only.
uint64_t blob_size(git_odb* odb, const git_oid& oid);
// The whole blob.
std::string read_blob(git_repository* repo, const git_oid& oid);
// The first `max_bytes` of a blob. Streams loose objects; a packed object
// (libgit2 1.5.1 cannot stream those) is loaded whole and cut.
std::string read_blob_prefix(git_repository* repo, git_odb* odb, const git_oid& oid,
                             size_t max_bytes);

}  // namespace kg
