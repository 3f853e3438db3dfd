// git's index file (git/index_file.h). IndexFile::read takes a path, so each
// input is written to an in-memory file (memfd) and read through
// /proc/self/fd: the reader's own open, fstat and mmap, no disk. On success
// every lookup the hooks make runs over the result, and the entries must be
// in git's order.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "git/index_file.h"

namespace {

const std::string& memfd_path() {
  static const std::string path = [] {
    const int fd = ::memfd_create("fuzz_index_file", MFD_CLOEXEC);
    if (fd < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    return "/proc/self/fd/" + std::to_string(fd);
  }();
  return path;
}

void write_all(const std::string& path, const uint8_t* data, size_t size) {
  const int fd = std::stoi(path.substr(path.rfind('/') + 1));
  if (::ftruncate(fd, 0) != 0) std::abort();
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) std::abort();
    done += static_cast<size_t>(n);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = memfd_path();
  write_all(path, data, size);
  const auto index = kg::IndexFile::read(path);
  if (!index) return 0;
  const auto& entries = index->entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    const kg::IndexEntry& e = entries[i];
    if (e.path.empty()) std::abort();
    if (i > 0 && (e.path < entries[i - 1].path ||
                  (e.path == entries[i - 1].path && e.stage() <= entries[i - 1].stage())))
      std::abort();  // not in git's order
    const std::string_view dir = e.path.substr(0, e.path.rfind('/') == std::string_view::npos ? 0 : e.path.rfind('/'));
    if (index->below(dir).empty()) std::abort();  // the entry itself is below its folder
    const kg::IndexEntry* found = index->find(e.path);
    if (e.stage() == 0 && found == nullptr) std::abort();
    (void)index->cached_tree(dir);
    (void)e.skip_worktree();
    (void)e.intent_to_add();
    (void)e.assume_valid();
  }
  (void)index->cached_tree("");
  (void)index->below("_kano/backlog");
  (void)index->has_conflicts();
  (void)index->has_cache_tree();
  return 0;
}
