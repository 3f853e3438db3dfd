#include "git/blob.h"

#include <algorithm>

#include "git/error.h"
#include "git/handles.h"
#include "git/object.h"

namespace kg {

uint64_t blob_size(git_odb* odb, const git_oid& oid) {
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  check(git_odb_read_header(&size, &type, odb, &oid), "reading object " + to_hex(oid));
  return size;
}

std::string read_blob(git_repository* repo, const git_oid& oid) {
  git_blob* raw = nullptr;
  check(git_blob_lookup(&raw, repo, &oid), "reading blob " + to_hex(oid));
  BlobPtr blob(raw);
  const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  const auto size = static_cast<size_t>(git_blob_rawsize(blob.get()));
  return std::string(data, size);
}

std::string read_blob_prefix(git_repository* repo, git_odb* odb, const git_oid& oid,
                             size_t max_bytes) {
  if (max_bytes == 0) return {};
  git_odb_stream* raw = nullptr;
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_open_rstream(&raw, &size, &type, odb, &oid) < 0) {
    git_error_clear();  // not streamable (packed): load it whole
    std::string all = read_blob(repo, oid);
    if (all.size() > max_bytes) all.resize(max_bytes);
    return all;
  }
  OdbStreamPtr stream(raw);
  std::string out(std::min(size, max_bytes), '\0');
  size_t got = 0;
  constexpr size_t kChunk = size_t{1} << 20;
  while (got < out.size()) {
    const size_t want = std::min(kChunk, out.size() - got);
    int n = git_odb_stream_read(stream.get(), out.data() + got, want);
    check(n, "streaming blob " + to_hex(oid));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

}  // namespace kg
