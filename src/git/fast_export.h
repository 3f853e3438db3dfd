// What the SHA-1 mirror of a sha256 repository (git/sha1_mirror.h) reads
// of `git fast-export` and `git fast-import`: the export stream, the marks
// files, and the id map file (`oid-map`).
//
// Where a mirrored object's SHA-1 id comes from:
// - a commit: the two marks files joined on the mark (export marks: mark ->
//   sha256 id, written by fast-export, which lists commits only; import
//   marks: mark -> SHA-1 id, written by fast-import). The import marks are
//   replaced before the export marks, so every commit the export marks name
//   has its SHA-1 id, also after a run cut short anywhere;
// - a blob (and a commit exported in a push's quarantine, whose marks are
//   not kept): the id map, lines "<sha256 hex> <SHA-1 hex>" appended after
//   an export (from the stream's `original-oid` lines) and for blobs staged
//   in no commit. A line missing there (a run cut short, a torn line) only
//   means the object is read (or exported) again through git, never a wrong
//   id: a line is taken only when whole.
#pragma once

#include <git2.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kg {

// True when `s` is `size` lowercase hex digits (64: a sha256 object id).
bool is_hex(std::string_view s, size_t size);

// What one `git fast-export --show-original-ids` stream holds.
struct ExportStream {
  std::vector<std::pair<uint64_t, std::string>> marks;  // mark -> sha256 hex, blobs and commits
  std::set<std::string> refs;                           // the refs it writes
};

// Reads the stream `s` and makes it fit to import into the mirror, in place
// (it is the largest thing kabsd-guard holds: the whole history the first
// time): a commit exported by its bare id is given the ref name
// `extra` + id (fast-import wants a ref name), and gitlinks (submodule
// entries, `M 160000`) are left out (their sha256 commit id cannot be a
// SHA-1 tree entry, and a submodule holds no item of this repository).
ExportStream rewrite_export_stream(std::string& s, std::string_view extra);

// The ids a marks file names, by mark (lines ":<mark> <hex>", `hex_size`
// hex digits; any other line is skipped). Views into `text`.
class MarkIds {
 public:
  MarkIds(std::string_view text, size_t hex_size);
  // "" when the file does not name `mark`.
  std::string_view find(uint64_t mark) const;
  template <typename F>
  void for_each(F f) const {
    for (const auto& [mark, hex] : ids_) f(mark, hex);
  }

 private:
  std::vector<std::pair<uint64_t, std::string_view>> ids_;  // sorted by mark
};

using IdMap = std::unordered_map<std::string, git_oid>;  // sha256 hex -> SHA-1

// Adds to `map` each mark's pair of ids (`sha256` from export marks, `sha1`
// from import marks); the marks win over what `map` held.
void join_marks(const MarkIds& sha256, const MarkIds& sha1, IdMap& map);

// The line of the id map for a pair of ids.
std::string id_map_line(std::string_view sha256, const git_oid& sha1);
// Adds the whole lines of an id map's text to `map` (a torn line, whatever
// follows it on the same line, is skipped).
void read_id_map(std::string_view text, IdMap& map);
// Appends `lines` (whole lines) to the file at `path` in one write with
// O_APPEND, so that processes appending at once never interleave. The map
// is only a shortcut: a failed append is ignored.
void append_id_map(const std::string& path, std::string_view lines);

}  // namespace kg
