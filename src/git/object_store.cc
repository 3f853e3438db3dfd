#include "git/object_store.h"

#include <algorithm>

namespace kg {

ObjectStore::ObjectStore(std::string common_dir) : common_dir_(std::move(common_dir)) {}

ObjectStore::~ObjectStore() = default;

const PackSet& ObjectStore::packs() {
  std::call_once(listed_, [this] { packs_ = PackSet::list(common_dir_); });
  return packs_;
}

std::unique_ptr<PackReader> ObjectStore::take() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return std::make_unique<PackReader>();
  const std::thread::id me = std::this_thread::get_id();
  auto it = std::find_if(idle_.begin(), idle_.end(), [&](const Idle& i) { return i.last_user == me; });
  if (it == idle_.end()) it = idle_.end() - 1;
  std::unique_ptr<PackReader> reader = std::move(it->reader);
  idle_.erase(it);
  return reader;
}

void ObjectStore::give_back(std::unique_ptr<PackReader> reader) {
  std::lock_guard lock(mutex_);
  idle_.push_back({std::move(reader), std::this_thread::get_id()});
}

std::optional<RawObject> ObjectStore::read(const git_oid& oid, size_t max_bytes) {
  const PackSet& set = packs();
  if (set.packs.empty()) return std::nullopt;
  std::unique_ptr<PackReader> reader = take();
  std::optional<RawObject> obj = reader->read(set, oid, max_bytes);  // does not throw
  give_back(std::move(reader));
  return obj;
}

void ObjectStore::release() {
  {
    std::lock_guard lock(mutex_);
    idle_.clear();
  }
  release_pages(packs());
}

std::optional<CatFileBatch::Object> ObjectStore::read_with_git(const GitLocation& where, std::string_view name) {
  std::lock_guard lock(git_mutex_);
  if (!batch_) batch_ = std::make_unique<CatFileBatch>(where);
  return batch_->read(name);
}

}  // namespace kg
