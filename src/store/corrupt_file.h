// Moving a corrupt SQLite file out of the way. Nothing is ever deleted: the
// file and its companions (-journal, -wal, -shm) are renamed to
// `<path>.corrupt-<UTC stamp>[-journal|-wal|-shm]`.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace kg {

// Which file a path names (device and inode), to notice that another process
// has already replaced a corrupt file.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

// nullopt when nothing exists at `path`.
std::optional<FileIdentity> identify_file(const std::string& path);

// Renames the corrupt file at `path` and its companions. `seen` is the file
// found corrupt: when `path` names another file by now (a concurrent process
// moved the corrupt one aside and created a fresh one), nothing is moved and
// nullopt is returned. The check and the rename happen under an exclusive
// flock on the folder, so concurrent recoveries do not move a fresh file.
// Returns the new name. Throws StoreError when the rename fails.
std::optional<std::string> move_aside_corrupt(const std::string& path, const std::optional<FileIdentity>& seen);

}  // namespace kg
