// renumber, step 4: the file and index changes, all or nothing. The intent
// journal is written first, then the new files (never replacing anything),
// then the old ones removed, then the index written once; a failure undoes
// the steps already taken, a killed process is rolled forward later.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "check/renumber.h"
#include "check/renumber_intent.h"
#include "git/error.h"
#include "git/index_edit.h"
#include "model/rewrite.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

std::string errno_text() { return std::strerror(errno); }

struct Undo {
  std::vector<std::string> created_dirs;
  std::vector<std::string> created_files;  // absolute
  std::vector<std::pair<const RenumberMove*, struct stat>> removed;

  // Undoes everything in reverse; returns what could not be undone.
  std::string run(const std::string& workdir) {
    std::string problems;
    for (auto it = removed.rbegin(); it != removed.rend(); ++it) {
      try {
        write_new(path_join(workdir, it->first->from), it->first->original, it->second);
      } catch (const std::exception& e) {
        problems += std::string(problems.empty() ? "" : "; ") + e.what();
      }
    }
    for (auto it = created_files.rbegin(); it != created_files.rend(); ++it)
      if (::unlink(it->c_str()) != 0) problems += (problems.empty() ? "" : "; ") + ("cannot remove " + *it);
    for (auto it = created_dirs.rbegin(); it != created_dirs.rend(); ++it) ::rmdir(it->c_str());
    return problems;
  }
};

std::string index_lock_path(const Repo& repo) {
  IndexPtr index = repo.index();
  const char* p = git_index_path(index.get());
  return p ? std::string(p) + ".lock" : std::string();
}

}  // namespace

void preflight(const RenumberPlan& plan, const Repo& repo, const std::string& workdir, bool stage) {
  std::map<std::string, std::string> targets;
  bool any_tracked = false;
  for (const RenumberMove& m : plan.moves) {
    const std::string from = path_join(workdir, m.from), to = path_join(workdir, m.to);
    struct stat st {};
    if (::lstat(from.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      throw RenumberFailed(m.from + " is no longer a regular file; nothing was changed");
    bool ok = false;
    if (read_file_bytes(from, &ok) != m.original || !ok)
      throw RenumberFailed(m.from + " changed while renumber was reading it; nothing was changed");
    if (::access(std::string(path_dirname(from)).c_str(), W_OK | X_OK) != 0)
      throw RenumberFailed("cannot remove " + m.from + " from its folder: " + errno_text() + "; nothing was changed");
    auto [it, fresh] = targets.emplace(m.to, m.from);
    if (!fresh)
      throw RenumberFailed("both " + it->second + " and " + m.from + " would become " + m.to +
                           "; nothing was changed");
    if (exists_no_follow(to))
      throw RenumberFailed(m.to + " already exists; renumber never overwrites a file; nothing was changed");
    // The folders on the way: existing ones must be real folders; the
    // deepest existing one must be writable.
    std::string cur = workdir, writable = workdir;
    for (std::string_view part : split(path_dirname(m.to), '/')) {
      if (part.empty()) continue;
      cur.append(1, '/').append(part);
      struct stat ds {};
      if (::lstat(cur.c_str(), &ds) != 0) break;
      if (S_ISLNK(ds.st_mode))
        throw RenumberFailed(cur + " is a symbolic link; refusing to write through it; nothing was changed");
      if (!S_ISDIR(ds.st_mode))
        throw RenumberFailed("cannot create the folder " + cur + ": a file is in the way; nothing was changed");
      writable = cur;
    }
    if (::access(writable.c_str(), W_OK | X_OK) != 0)
      throw RenumberFailed("cannot write in " + writable + ": " + errno_text() + "; nothing was changed");
    any_tracked = any_tracked || m.tracked;
  }
  if (stage && any_tracked) {
    std::string lock = index_lock_path(repo);
    if (!lock.empty() && exists_no_follow(lock))
      throw RenumberFailed("the index is locked (" + lock + " exists): another git process seems to be running; "
                           "nothing was changed");
  }
}

namespace {

RenumberIntent intent_of(const RenumberPlan& plan, const std::vector<struct stat>& modes, bool stage) {
  RenumberIntent intent;
  intent.stage = stage;
  for (size_t i = 0; i < plan.moves.size(); ++i) {
    const RenumberMove& m = plan.moves[i];
    intent.moves.push_back({m.from, m.to, modes[i].st_mode & 07777, m.tracked, m.original, m.rewritten});
  }
  return intent;
}

// The file changes after the intent is written: every new file, then every
// old one removed, then the index.
void change_files(RenumberPlan& plan, const Repo& repo, const std::string& workdir, const ApplyOptions& options,
                  const std::vector<struct stat>& modes, Undo& undo, CrashPoints& crash) {
  for (size_t i = 0; i < plan.moves.size(); ++i) {
    const RenumberMove& m = plan.moves[i];
    make_dirs(workdir, std::string(path_dirname(m.to)), undo.created_dirs);
    const std::string to = path_join(workdir, m.to);
    write_new(to, m.rewritten, modes[i], [&crash] { crash.step(); });
    undo.created_files.push_back(to);
    crash.step();
  }
  for (size_t i = 0; i < plan.moves.size(); ++i) {
    const RenumberMove& m = plan.moves[i];
    bool ok = false;
    const std::string from = path_join(workdir, m.from);
    if (read_file_bytes(from, &ok) != m.original || !ok)
      throw RenumberFailed(m.from + " changed while renumber was working");
    if (::unlink(from.c_str()) != 0) throw RenumberFailed("cannot remove " + m.from + ": " + errno_text());
    undo.removed.emplace_back(&m, modes[i]);
    crash.step();
  }
  bool any = false;
  for (const RenumberMove& m : plan.moves) any = any || m.tracked;
  if (options.stage && any) {
    IndexEdit edit(repo);
    for (const RenumberMove& m : plan.moves)
      if (m.tracked) edit.rename(m.from, m.to);
    edit.write();
    for (RenumberMove& m : plan.moves) m.staged = m.tracked;
    crash.step();
  }
}

}  // namespace

void apply(RenumberPlan& plan, const Repo& repo, const std::string& workdir, const ApplyOptions& options) {
  Undo undo;
  CrashPoints crash;
  bool journaled = false;
  try {
    for (RenumberMove& m : plan.moves)
      if (m.kind == RenumberMove::Kind::Renumber)
        m.rewritten = rewrite_item(m.from, m.original, *m.new_id, worklog_line(options.minute, m.message));
    std::vector<struct stat> modes;
    for (const RenumberMove& m : plan.moves) {
      const std::string from = path_join(workdir, m.from);
      struct stat st {};
      if (::lstat(from.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        throw RenumberFailed(m.from + " is no longer a regular file");
      modes.push_back(st);
    }
    // Before the first file changes: what recovery rolls forward.
    write_renumber_intent(repo.git_dir(), intent_of(plan, modes, options.stage));
    journaled = true;
    crash.step();
    change_files(plan, repo, workdir, options, modes, undo, crash);
  } catch (const std::exception& e) {
    for (RenumberMove& m : plan.moves) m.staged = false;
    std::string cause = e.what();
    if (dynamic_cast<const GitError*>(&e)) cause = "cannot stage the renames in the index: " + cause;
    std::string problems = undo.run(workdir);
    if (problems.empty()) {
      if (journaled) {
        try {
          remove_renumber_intent(repo.git_dir());
        } catch (const std::exception& gone) {
          problems = gone.what();
        }
      }
      if (problems.empty())
        throw RenumberFailed(cause + "; every change was undone: the files and the index are as they were");
    }
    throw RenumberFailed(cause + "; undoing failed too, check by hand: " + problems +
                         (journaled ? "; 'kabsd-guard renumber --resume' completes the renumbering instead" : ""));
  }
  // Done: the intent is no longer needed. Should it stay (its folder became
  // read-only meanwhile), recovery finds every move done and only restages.
  try {
    remove_renumber_intent(repo.git_dir());
  } catch (const std::exception&) {
  }
  // Lines stay where they were (the id on its line, the worklog appended).
  for (RenumberRef& r : plan.references)
    for (const RenumberMove& m : plan.moves)
      if (r.path == m.from) r.path = m.to;
}

}  // namespace kg
