// A libgit2 object database backend that answers reads of packed objects
// through this thread's PackReader (pack_reader.h), ahead of libgit2's own
// pack backend. Trees that libgit2 loads (tree lookups, tree diffs) then
// share the reader's cache instead of libgit2's per-pack delta-base cache,
// which cannot be sized in libgit2 1.5 and grows to 16 MB. Objects it does
// not find (loose ones, unusual packs) are left to libgit2's backends.
#pragma once

#include <git2.h>

namespace kg {

// Adds the backend to `repo`'s object database. Failing to is not an error:
// libgit2 reads on its own.
void add_pack_backend(git_repository* repo);

}  // namespace kg
