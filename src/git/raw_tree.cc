#include "git/raw_tree.h"

#include <cstdint>
#include <cstring>

namespace kg {

namespace {

// libgit2's normalize_filemode (tree.c), so that both readers agree.
git_filemode_t normalize(uint32_t mode) {
  constexpr uint32_t kTypeMask = 0170000;
  if ((mode & kTypeMask) == GIT_FILEMODE_TREE) return GIT_FILEMODE_TREE;
  if (mode & 0111) return GIT_FILEMODE_BLOB_EXECUTABLE;
  if ((mode & kTypeMask) == GIT_FILEMODE_COMMIT) return GIT_FILEMODE_COMMIT;
  if ((mode & kTypeMask) == GIT_FILEMODE_LINK) return GIT_FILEMODE_LINK;
  return GIT_FILEMODE_BLOB;
}

}  // namespace

bool parse_tree(std::string_view data, const std::function<void(const RawTreeEntry&)>& visit) {
  size_t at = 0;
  while (at < data.size()) {
    uint32_t mode = 0;
    size_t digits = 0;
    for (; at < data.size() && data[at] != ' '; ++at, ++digits) {
      if (data[at] < '0' || data[at] > '7' || digits == 7) return false;
      mode = mode * 8 + static_cast<uint32_t>(data[at] - '0');
    }
    if (digits == 0 || at == data.size()) return false;
    const size_t name_at = ++at;
    const size_t nul = data.find('\0', name_at);
    if (nul == std::string_view::npos || nul == name_at || data.size() - nul - 1 < GIT_OID_RAWSZ) return false;
    const std::string_view name = data.substr(name_at, nul - name_at);
    if (name.find('/') != std::string_view::npos) return false;
    RawTreeEntry entry{normalize(mode), name, {}};
    std::memcpy(entry.id.id, data.data() + nul + 1, GIT_OID_RAWSZ);
    visit(entry);
    at = nul + 1 + GIT_OID_RAWSZ;
  }
  return true;
}

}  // namespace kg
