// renumber, crash safety: the intent journal, the lock that serialises
// renumbers of a worktree, and the roll-forward recovery.
#include "check/renumber_intent.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "git/error.h"
#include "git/index_edit.h"
#include "util/files.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

using Json = nlohmann::json;

std::string errno_text() { return std::strerror(errno); }

std::string state_dir(const std::string& git_dir) { return path_join(git_dir, "kabsd-guard"); }

void ensure_state_dir(const std::string& git_dir) {
  const std::string dir = state_dir(git_dir);
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw RenumberFailed("cannot create " + dir + ": " + errno_text());
}

std::string to_hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string from_hex(const std::string& hex) {
  if (hex.size() % 2) throw std::runtime_error("odd-length hex");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) throw std::runtime_error("bad hex digit");
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// A path the intent may name: repository-relative, inside the working tree.
bool confined(const std::string& p) {
  if (p.empty() || p.front() == '/' || p.find('\0') != std::string::npos) return false;
  for (std::string_view part : split(p, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return true;
}

RenumberIntent read_intent(const std::string& path) {
  bool ok = false;
  const std::string text = read_file_bytes(path, &ok);
  if (!ok) throw RenumberFailed("cannot read the renumber intent " + path + ": " + errno_text());
  RenumberIntent intent;
  try {
    Json j = Json::parse(text);
    if (j.at("version").get<int>() != 1) throw std::runtime_error("unknown version");
    intent.stage = j.at("stage").get<bool>();
    for (const Json& m : j.at("moves")) {
      IntentMove move{m.at("from").get<std::string>(), m.at("to").get<std::string>(), m.at("mode").get<mode_t>(),
                      m.at("tracked").get<bool>(), from_hex(m.at("original").get<std::string>()),
                      from_hex(m.at("content").get<std::string>())};
      if (!confined(move.from) || !confined(move.to)) throw std::runtime_error("a path outside the working tree");
      intent.moves.push_back(std::move(move));
    }
  } catch (const std::exception& e) {
    throw RenumberFailed("the renumber intent " + path + " is not valid (" + e.what() +
                         "); nothing was changed: look at it and move it aside by hand");
  }
  return intent;
}

enum class Found { Missing, Planned, Other };

Found compare_file(const std::string& path, const std::string& planned) {
  if (!exists_no_follow(path)) return Found::Missing;
  struct stat st {};
  bool ok = false;
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Found::Other;
  const std::string bytes = read_file_bytes(path, &ok);
  return ok && bytes == planned ? Found::Planned : Found::Other;
}

// Rolls one move forward; false when it was left for a person.
bool roll_forward(const IntentMove& m, const std::string& workdir, RecoveryResult& r) {
  const std::string from = path_join(workdir, m.from), to = path_join(workdir, m.to);
  r.temporaries += remove_temporaries(to) + remove_temporaries(from);
  Found old_file = compare_file(from, m.original);
  Found new_file = compare_file(to, m.content);
  if (new_file == Found::Missing) {
    if (old_file == Found::Other) {
      r.warnings.push_back(m.from + " changed after the interrupted renumber; it was left as it is and " + m.to +
                           " was not written: renumber it again");
      return false;
    }
    struct stat like {};
    if (old_file == Found::Missing || ::lstat(from.c_str(), &like) != 0) {
      like.st_mode = m.mode;
      like.st_uid = ::geteuid();
      like.st_gid = ::getegid();
    }
    std::vector<std::string> created;
    make_dirs(workdir, std::string(path_dirname(m.to)), created);
    write_new(to, m.content, like);
    ++r.written;
    new_file = Found::Planned;
  }
  if (new_file == Found::Other) {
    r.warnings.push_back(m.to + " exists with other content than the interrupted renumber planned; " + m.from +
                         " was kept: renumber it again");
    return false;
  }
  if (old_file == Found::Planned) {
    if (::unlink(from.c_str()) != 0 && errno != ENOENT)
      throw RenumberFailed("cannot remove " + m.from + ": " + errno_text());
    ++r.removed;
  } else if (old_file == Found::Other) {
    // Not staged either: the index keeps the old file, the new one is untracked.
    r.warnings.push_back(m.from + " changed after the interrupted renumber, so it was kept; " + m.to +
                         " holds the renumbered copy and both carry its uid: merge them by hand");
    return false;
  }
  sync_dir(std::string(path_dirname(to)));
  sync_dir(std::string(path_dirname(from)));
  return true;
}

void restage(const Repo& repo, const std::vector<const IntentMove*>& moves) {
  try {
    IndexEdit edit(repo);
    for (const IntentMove* m : moves) {
      edit.remove(m->from);
      edit.add(m->to);
    }
    edit.write();
  } catch (const GitError& e) {
    std::string lock = path_join(repo.git_dir(), "index.lock");
    throw RenumberFailed(std::string("cannot stage the renames in the index: ") + e.what() +
                         "; the files are renumbered. If no git process is running, remove " + lock +
                         " and run 'kabsd-guard renumber --resume' again");
  }
}

// `renumber-intent.json.kabsd-guard-tmp-PID` left by a crash in
// write_renumber_intent (util/files.h, replace_file).
size_t remove_intent_temporaries(const std::string& git_dir) {
  const std::string dir = state_dir(git_dir), stem = "renumber-intent.json.kabsd-guard-tmp-";
  std::vector<std::string> found;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d))
      if (std::string_view(e->d_name).substr(0, stem.size()) == stem) found.push_back(path_join(dir, e->d_name));
    ::closedir(d);
  }
  size_t n = 0;
  for (const std::string& f : found) n += ::unlink(f.c_str()) == 0 ? 1 : 0;
  return n;
}

}  // namespace

std::string renumber_intent_path(const std::string& git_dir) {
  return path_join(state_dir(git_dir), "renumber-intent.json");
}

bool renumber_intent_pending(const std::string& git_dir) {
  struct stat st {};
  return !git_dir.empty() && ::lstat(renumber_intent_path(git_dir).c_str(), &st) == 0;
}

void write_renumber_intent(const std::string& git_dir, const RenumberIntent& intent) {
  ensure_state_dir(git_dir);
  Json moves = Json::array();
  for (const IntentMove& m : intent.moves)
    moves.push_back({{"from", m.from},
                     {"to", m.to},
                     {"mode", m.mode},
                     {"tracked", m.tracked},
                     {"original", to_hex(m.original)},
                     {"content", to_hex(m.content)}});
  Json j = {{"version", 1}, {"pid", ::getpid()}, {"stage", intent.stage}, {"moves", moves}};
  const std::string path = renumber_intent_path(git_dir);
  std::string err = replace_file(path, j.dump() + "\n", 0644, true);
  if (!err.empty()) throw RenumberFailed("cannot write the renumber intent: " + err + "; nothing was changed");
  sync_dir(state_dir(git_dir));
}

void remove_renumber_intent(const std::string& git_dir) {
  const std::string path = renumber_intent_path(git_dir);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    throw RenumberFailed("cannot remove the renumber intent " + path + ": " + errno_text());
  sync_dir(state_dir(git_dir));
}

RenumberLock::RenumberLock(const std::string& git_dir, int wait_ms) {
  ensure_state_dir(git_dir);
  const std::string path = path_join(state_dir(git_dir), "renumber.lock");
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) throw RenumberFailed("cannot open " + path + ": " + errno_text());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if ((errno != EWOULDBLOCK && errno != EINTR) || std::chrono::steady_clock::now() >= deadline) {
      ::close(fd_);
      throw RenumberFailed("another renumber is running in this worktree (" + path + " is locked)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

RenumberLock::~RenumberLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

RecoveryResult recover_renumber(const Repo& repo) {
  RecoveryResult r;
  const std::string git_dir = repo.git_dir();
  // A crash while the intent itself was being written leaves only its
  // temporary file: nothing had changed yet.
  const std::string path = renumber_intent_path(git_dir);
  r.temporaries += remove_intent_temporaries(git_dir);
  if (!renumber_intent_pending(git_dir)) return r;
  r.found = true;
  const RenumberIntent intent = read_intent(path);
  r.moves = intent.moves.size();
  const std::string workdir = repo.workdir();
  std::vector<const IntentMove*> to_stage;
  for (const IntentMove& m : intent.moves)
    if (roll_forward(m, workdir, r) && intent.stage && m.tracked) to_stage.push_back(&m);
  if (!to_stage.empty()) {
    restage(repo, to_stage);
    r.staged = true;
  }
  remove_renumber_intent(git_dir);
  return r;
}

}  // namespace kg
