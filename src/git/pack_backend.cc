#include "git/pack_backend.h"

#include <git2/sys/odb_backend.h>

#include <cstring>
#include <memory>
#include <new>

#include "git/handles.h"

namespace kg {

namespace {

// Above libgit2's pack (2) and loose (1) backends: asked first.
constexpr int kPriority = 3;

struct Backend {
  git_odb_backend parent;  // first: libgit2 hands back a pointer to it
  std::shared_ptr<ObjectStore> store;  // shared with the Repo: the odb may outlive it
};

int read(void** data, size_t* len, git_object_t* type, git_odb_backend* raw, const git_oid* oid) {
  auto* self = reinterpret_cast<Backend*>(raw);
  try {
    std::optional<RawObject> obj = self->store->read(*oid);
    if (!obj) return GIT_ENOTFOUND;
    auto* buf = static_cast<char*>(git_odb_backend_data_alloc(raw, obj->data.size() + 1));
    if (buf == nullptr) return -1;
    std::memcpy(buf, obj->data.data(), obj->data.size());
    buf[obj->data.size()] = '\0';
    *data = buf;
    *len = obj->data.size();
    *type = obj->type;
    return 0;
  } catch (const std::exception&) {
    return GIT_ENOTFOUND;  // out of memory and the like: libgit2's backends try
  }
}

void free_backend(git_odb_backend* raw) { delete reinterpret_cast<Backend*>(raw); }

}  // namespace

void add_pack_backend(git_repository* repo, std::shared_ptr<ObjectStore> store) {
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo) != 0) {
    git_error_clear();
    return;
  }
  OdbPtr owned(odb);
  auto* backend = new (std::nothrow) Backend{};
  if (backend == nullptr) return;
  if (git_odb_init_backend(&backend->parent, GIT_ODB_BACKEND_VERSION) != 0) {
    delete backend;
    git_error_clear();
    return;
  }
  backend->store = std::move(store);
  backend->parent.read = read;
  backend->parent.free = free_backend;
  if (git_odb_add_backend(odb, &backend->parent, kPriority) != 0) {
    delete backend;  // not added: still ours
    git_error_clear();
  }
}

}  // namespace kg
