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
// read-only: only the pages a lookup touches become resident. Opened once
// per process and never closed, so pointers to it stay valid.
class PackIndex {
 public:
  static std::unique_ptr<PackIndex> open(const std::string& idx_path);  // null when unusable
  PackIndex(const PackIndex&) = delete;
  PackIndex& operator=(const PackIndex&) = delete;

  // A number unique among the packs opened in this process.
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

// The packs of one repository, in the order git searches them.
struct PackSet {
  std::vector<const PackIndex*> packs;
  std::optional<PackedAt> find(const git_oid& oid) const;
};

// The packs of the repository whose common dir is `common_dir` (or of
// `repo`), listed once per process and object folder (again when a pack
// folder has changed since: checked at the first call after recheck_packs).
// The reference stays valid.
const PackSet& packs_of(const std::string& common_dir);
const PackSet& packs_of(git_repository* repo);
// Makes the next packs_of look at the pack folders again (a repository was
// opened: git may have packed or repacked since the last one).
void recheck_packs();

// The order to read `oids` in (a permutation of their indexes): by pack, then
// by offset in it, front to back. Object ids found in no pack keep their
// relative order, at the end. Only a performance hint: any order gives the
// same contents. Pack order also puts files that share a blob next to each
// other.
std::vector<size_t> pack_read_order(const PackSet& packs, const std::vector<git_oid>& oids);

// PackIndex::release for every pack of the set.
void release_pages(const PackSet& packs);

}  // namespace kg
