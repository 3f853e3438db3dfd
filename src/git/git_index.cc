#include "git/git_index.h"

#include <cstdlib>

#include "git/error.h"

namespace kg {

bool index_needs_git(std::string_view message) {
  return message.find("extension") != std::string_view::npos;
}

IndexPtr read_index_with_git(const GitLocation& where, const IndexIdMap& id) {
  const std::string out = GitCommand({"ls-files", "--stage", "-t", "-z"}).at(where).output();
  git_index* raw = nullptr;
  check(git_index_new(&raw), "creating an index in memory");
  IndexPtr index(raw);
  // "<tag> <mode> <object id> <stage>\t<path>"; tag S: skip-worktree.
  for (std::string_view record : split_z(out)) {
    const size_t tab = record.find('\t');
    const std::string_view head = record.substr(0, tab);
    if (tab == std::string_view::npos || head.size() < 2 || head[1] != ' ')
      throw GitError("git ls-files: unexpected output '" + std::string(head) + "'");
    const size_t sp1 = head.find(' ', 2), sp2 = head.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) throw GitError("git ls-files: unexpected output");
    const std::string mode(head.substr(2, sp1 - 2));
    const std::string oid(head.substr(sp1 + 1, sp2 - sp1 - 1));
    const std::string stage(head.substr(sp2 + 1));
    const std::string path(record.substr(tab + 1));
    git_index_entry e{};
    e.mode = static_cast<uint32_t>(std::strtoul(mode.c_str(), nullptr, 8));
    if (id) {
      e.id = id(oid, e.mode);
    } else {
      if (oid.size() != GIT_OID_HEXSZ)
        throw GitError("git ls-files: object id '" + oid + "' is not SHA-1 (libgit2 1.5 reads SHA-1 only)");
      check(git_oid_fromstr(&e.id, oid.c_str()), "git ls-files: reading an object id");
    }
    e.path = path.c_str();
    const int st = std::atoi(stage.c_str());
    e.flags = static_cast<uint16_t>((st & 3) << GIT_INDEX_ENTRY_STAGESHIFT);
    if (head[0] == 'S') e.flags_extended |= GIT_INDEX_ENTRY_SKIP_WORKTREE;
    check(git_index_add(index.get(), &e), "copying the index entry " + path);
  }
  return index;
}

}  // namespace kg
