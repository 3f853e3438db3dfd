// An advisory lock on a file (flock), held while the owner lives and
// released by the kernel if the process dies.
#pragma once

#include <chrono>
#include <string>

#include "util/files.h"

namespace kg {

class FileLock {
 public:
  // Creates `path` (and its folder) when missing and takes an exclusive lock
  // on it, waiting up to `wait`. Throws std::runtime_error naming the file
  // when it cannot be opened or the wait runs out.
  FileLock(const std::string& path, std::chrono::milliseconds wait);
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock() = default;  // closing the descriptor releases the lock

 private:
  Fd fd_;
};

}  // namespace kg
