// The pack files of a repository (its object folder's and its alternates'):
// their indexes, mapped and searched directly, so that blobs can be ordered
// and read without going through libgit2's object database (see
// pack_reader.h).
#pragma once

#include <git2.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kg {

class PackIndex;

// Where an object is stored: the pack, and the offset of its entry.
struct PackedAt {
  const PackIndex* pack;
  uint64_t offset;
};

// One pack's index (version 2; git has written no other since 2009), mapped
// read-only while the object lives: only the pages a lookup touches become
// resident.
class PackIndex {
 public:
  static std::unique_ptr<PackIndex> open(const std::string& idx_path);  // null when unusable
  PackIndex(const PackIndex&) = delete;
  PackIndex& operator=(const PackIndex&) = delete;
  ~PackIndex();

  // A number unique among the packs opened in this process (PackReader
  // keys its open pack files on it).
  size_t number() const { return number_; }
  // The pack file beside the index.
  const std::string& pack_path() const { return pack_path_; }
  // The object's offset in the pack; nullopt when the pack does not hold it.
  std::optional<uint64_t> offset(const git_oid& oid) const;
  // Lets the pages a bulk lookup made resident go (they come back from the
  // page cache when needed).
  void release() const;

 private:
  PackIndex(const unsigned char* data, size_t size, std::string pack_path, size_t number);
  bool valid();

  const unsigned char* data_;
  size_t size_;
  std::string pack_path_;
  size_t number_;
  size_t count_ = 0;
};

// The packs of one repository, in the order git searches them. A set made
// by list() owns its indexes (unmapped with it); one put together by hand
// (tests, fuzzing) points at indexes its maker keeps.
struct PackSet {
  std::vector<const PackIndex*> packs;
  std::vector<std::unique_ptr<PackIndex>> owned;

  // The packs of the object folder `common_dir`/objects and of its
  // alternates, as they are now.
  static PackSet list(const std::string& common_dir);
  std::optional<PackedAt> find(const git_oid& oid) const;
};

// The order to read `oids` in (a permutation of their indexes): by pack, then
// by offset in it, front to back. Object ids found in no pack keep their
// relative order, at the end. Only a performance hint: any order gives the
// same contents. Pack order also puts files that share a blob next to each
// other.
std::vector<size_t> pack_read_order(const PackSet& packs, const std::vector<git_oid>& oids);

// PackIndex::release for every pack of the set.
void release_pages(const PackSet& packs);

}  // namespace kg
