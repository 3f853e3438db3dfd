// A libgit2 object database backend that answers reads of packed objects
// through a Repo's ObjectStore (object_store.h), ahead of libgit2's own
// pack backend. Trees that libgit2 loads (tree lookups, tree diffs) then
// share the reader's cache instead of libgit2's per-pack delta-base cache,
// which cannot be sized in libgit2 1.5 and grows to 16 MB. Objects it does
// not find (loose ones, unusual packs) are left to libgit2's backends.
#pragma once

#include <git2.h>

#include <memory>

#include "git/object_store.h"

namespace kg {

// Adds a backend reading through `store` to `repo`'s object database; the
// backend keeps `store` alive as long as the database lives. Failing to add
// it is not an error: libgit2 reads on its own.
void add_pack_backend(git_repository* repo, std::shared_ptr<ObjectStore> store);

}  // namespace kg
