#include "git/tree_delta.h"

#include <algorithm>

#include "git/error.h"
#include "git/git_process.h"

namespace kg {

namespace {

// git's name for the empty tree (it needs no object).
constexpr const char* kEmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

bool is_file_mode(uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK;
}

[[noreturn]] void garbled() { throw GitError("git diff-tree: unexpected output"); }

uint32_t parse_mode(std::string_view octal) {
  uint32_t mode = 0;
  for (char c : octal) {
    if (c < '0' || c > '7') garbled();
    mode = mode * 8 + static_cast<uint32_t>(c - '0');
  }
  return mode;
}

git_oid parse_oid(std::string_view hex) {
  git_oid oid{};
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex.data(), hex.size()) != 0) garbled();
  return oid;
}

// `git diff-tree -r -z` records, ":OLDMODE NEWMODE OLD NEW STATUS\0PATH\0",
// in Delta form: a side that is no file (absent, a gitlink) is zero.
std::vector<Delta> parse(std::string_view out) {
  std::vector<Delta> deltas;
  const std::vector<std::string_view> fields = split_z(out);
  if (fields.size() % 2 != 0) garbled();
  for (size_t i = 0; i < fields.size(); i += 2) {
    const std::string_view meta = fields[i];
    // ":100644 100644 <40 hex> <40 hex> M"
    if (meta.size() < 1 + 7 + 7 + 2 * (GIT_OID_HEXSZ + 1) + 1 || meta[0] != ':') garbled();
    const uint32_t old_mode = parse_mode(meta.substr(1, 6));
    const uint32_t new_mode = parse_mode(meta.substr(8, 6));
    const bool had = is_file_mode(old_mode), has = is_file_mode(new_mode);
    if (!had && !has) continue;  // gitlinks
    Delta d;
    d.path = std::string(fields[i + 1]);
    if (had) {
      d.old_mode = old_mode;
      d.old_oid = parse_oid(meta.substr(15, GIT_OID_HEXSZ));
    }
    if (has) {
      d.new_mode = new_mode;
      d.new_oid = parse_oid(meta.substr(16 + GIT_OID_HEXSZ, GIT_OID_HEXSZ));
    }
    deltas.push_back(std::move(d));
  }
  return deltas;
}

}  // namespace

std::vector<Delta> tree_delta(const Repo& repo, const std::optional<Tree>& old_tree,
                              const std::optional<Tree>& new_tree,
                              const std::vector<std::string>& prefixes) {
  if (!old_tree && !new_tree) return {};
  if (old_tree && new_tree && git_oid_equal(&old_tree->id(), &new_tree->id())) return {};
  std::vector<std::string> args{"--literal-pathspecs", "diff-tree", "-r", "-z", "--no-renames",
                                old_tree ? old_tree->hex() : kEmptyTree, new_tree ? new_tree->hex() : kEmptyTree,
                                "--"};
  for (std::string& prefix : normalize_prefixes(prefixes)) {
    if (prefix.empty()) break;  // the whole tree: {""}
    args.push_back(std::move(prefix));
  }
  std::vector<Delta> out = parse(GitCommand(std::move(args)).at(repo.object_location()).output());
  std::sort(out.begin(), out.end(), [](const Delta& a, const Delta& b) { return a.path < b.path; });
  return out;
}

}  // namespace kg
