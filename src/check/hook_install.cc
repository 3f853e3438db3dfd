#include "check/hook_install.h"

#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "git/worktrees.h"
#include "util/paths.h"

namespace kg {

namespace fs = std::filesystem;

namespace {

enum class Kind { Missing, File, Symlink, Dir, Other };

Kind kind_of(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return Kind::Missing;
  if (S_ISREG(st.st_mode)) return Kind::File;
  if (S_ISLNK(st.st_mode)) return Kind::Symlink;
  if (S_ISDIR(st.st_mode)) return Kind::Dir;
  return Kind::Other;
}

bool lexists(const std::string& path) { return kind_of(path) != Kind::Missing; }

// The file's bytes (following symlinks); nullopt when unreadable.
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A regular file (not a symlink) that hook_script wrote.
bool ours(const std::string& path) {
  if (kind_of(path) != Kind::File) return false;
  auto content = read_file(path);
  return content && is_managed_hook(*content);
}

std::string errno_text() { return std::strerror(errno); }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now and reports whether close succeeded.
  bool close() {
    int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

// Writes `content` to `path` atomically (temp file + rename) with mode 0755.
// Returns "" on success, else the error.
std::string write_script(const std::string& path, const std::string& content) {
  std::string tmp = path + ".kabsd-guard-tmp-" + std::to_string(getpid());
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755));
  if (fd.get() < 0) return "cannot create " + tmp + ": " + errno_text();
  std::string err;
  size_t done = 0;
  while (done < content.size() && err.empty()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno != EINTR) err = "cannot write " + tmp + ": " + errno_text();
    else if (n > 0) done += static_cast<size_t>(n);
  }
  if (err.empty() && fchmod(fd.get(), 0755) != 0) err = "cannot chmod " + tmp + ": " + errno_text();
  if (err.empty() && fsync(fd.get()) != 0) err = "cannot sync " + tmp + ": " + errno_text();
  if (!fd.close() && err.empty()) err = "cannot close " + tmp + ": " + errno_text();
  if (err.empty() && std::rename(tmp.c_str(), path.c_str()) != 0)
    err = "cannot rename " + tmp + " to " + path + ": " + errno_text();
  if (!err.empty()) ::unlink(tmp.c_str());
  return err;
}

// Brings our script at `slot` up to date: Unchanged or Updated (or Failed).
void refresh(HookOutcome& o, const std::string& slot, const std::string& desired) {
  o.path = slot;
  auto content = read_file(slot);
  if (content && *content == desired) {
    o.action = HookAction::Unchanged;
    return;
  }
  std::string err = write_script(slot, desired);
  o.action = err.empty() ? HookAction::Updated : HookAction::Failed;
  if (!err.empty()) o.detail = err;
}

HookOutcome install_one(const std::string& dir, std::string_view name, std::string_view fallback) {
  const std::string main = path_join(dir, name);
  const std::string legacy = main + ".legacy";
  const std::string chained = main + std::string(kChainedSuffix);
  const std::string desired = hook_script(name, fallback);
  HookOutcome o;
  o.name = std::string(name);
  o.path = main;
  if (lexists(chained)) o.chained = chained;

  if (ours(main)) {
    refresh(o, main, desired);
    return o;
  }
  if (ours(legacy)) {
    // pre-commit's `install` moved our hook aside and runs it first.
    refresh(o, legacy, desired);
    o.detail = "run by pre-commit's " + o.name + " hook as " + o.name + ".legacy";
    return o;
  }
  Kind kind = kind_of(main);
  if (kind == Kind::Symlink) {
    auto content = read_file(main);
    if (content && is_managed_hook(*content)) {
      o.action = HookAction::LeftAlone;
      o.detail = "a symlink to a kabsd-guard hook already";
      return o;
    }
  }
  if (kind == Kind::Dir || kind == Kind::Other) {
    o.action = HookAction::Failed;
    o.detail = main + " is not a file";
    return o;
  }
  if (kind == Kind::Missing) {
    std::string err = write_script(main, desired);
    o.action = err.empty() ? HookAction::Installed : HookAction::Failed;
    o.detail = err.empty() && !o.chained.empty() ? "runs " + o.chained + " first" : err;
    return o;
  }
  // A foreign hook (file or symlink): keep it, run it first.
  if (!o.chained.empty()) {
    o.action = HookAction::Failed;
    o.detail = "cannot chain the existing hook: " + chained +
               " exists already; merge the two or move one away, then run install again";
    return o;
  }
  if (std::rename(main.c_str(), chained.c_str()) != 0) {
    o.action = HookAction::Failed;
    o.detail = "cannot move " + main + " to " + chained + ": " + errno_text();
    return o;
  }
  std::string err = write_script(main, desired);
  if (!err.empty()) {
    std::rename(chained.c_str(), main.c_str());  // best effort: leave things as found
    o.action = HookAction::Failed;
    o.detail = err;
    return o;
  }
  o.action = HookAction::Chained;
  o.chained = chained;
  return o;
}

HookOutcome uninstall_one(const std::string& dir, std::string_view name) {
  const std::string main = path_join(dir, name);
  const std::string legacy = main + ".legacy";
  const std::string chained = main + std::string(kChainedSuffix);
  HookOutcome o;
  o.name = std::string(name);
  o.path = main;
  bool has_chained = lexists(chained);
  if (has_chained) o.chained = chained;

  std::string slot;
  if (ours(main)) slot = main;
  else if (ours(legacy)) slot = legacy;

  if (slot.empty()) {
    if (has_chained && !lexists(main)) {
      // Our hook was deleted by hand: put the earlier one back all the same.
      if (std::rename(chained.c_str(), main.c_str()) != 0) {
        o.action = HookAction::Failed;
        o.detail = "cannot move " + chained + " back to " + main + ": " + errno_text();
      } else {
        o.action = HookAction::Restored;
      }
    } else if (has_chained) {
      o.action = HookAction::LeftAlone;
      o.detail = main + " is not kabsd-guard's; the hook chained by install stays at " + chained;
    } else {
      o.action = HookAction::NotInstalled;
    }
    return o;
  }
  o.path = slot;
  if (::unlink(slot.c_str()) != 0) {
    o.action = HookAction::Failed;
    o.detail = "cannot remove " + slot + ": " + errno_text();
    return o;
  }
  if (!has_chained) {
    o.action = HookAction::Removed;
    return o;
  }
  if (std::rename(chained.c_str(), slot.c_str()) != 0) {
    o.action = HookAction::Failed;
    o.detail = "removed " + slot + " but cannot move " + chained + " back: " + errno_text();
    return o;
  }
  o.action = HookAction::Restored;
  return o;
}

}  // namespace

std::string_view to_string(HookAction action) {
  switch (action) {
    case HookAction::Installed: return "installed";
    case HookAction::Chained: return "chained";
    case HookAction::Updated: return "updated";
    case HookAction::Unchanged: return "unchanged";
    case HookAction::LeftAlone: return "left-alone";
    case HookAction::Failed: return "failed";
    case HookAction::Removed: return "removed";
    case HookAction::Restored: return "restored";
    case HookAction::NotInstalled: return "not-installed";
  }
  return "?";
}

std::vector<HooksDir> hooks_dirs(const Repo& repo) {
  std::vector<HooksDir> out;
  std::optional<std::string> configured = repo.config_path("core.hooksPath");
  if (!configured || configured->empty()) {
    out.push_back({path_join(repo.common_dir(), "hooks"), "default"});
    return out;
  }
  const std::string& hp = *configured;
  if (hp.front() == '/') {
    out.push_back({path_normalize(hp), "core.hooksPath"});
  } else if (repo.is_bare()) {
    out.push_back({path_join(repo.git_dir(), hp), "core.hooksPath"});
  } else {
    // Git runs hooks from the top of the worktree they fire in.
    out.push_back({path_join(repo.workdir(), hp), "core.hooksPath"});
    for (const std::string& wt : other_worktrees(repo))
      out.push_back({path_join(wt, hp), "core.hooksPath"});
  }
  return out;
}

std::vector<HookOutcome> install_hooks(const std::string& dir, std::string_view fallback_binary) {
  std::vector<HookOutcome> out;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    std::string why = ec ? ec.message() : "not a directory";
    for (std::string_view name : kHookNames)
      out.push_back({std::string(name), path_join(dir, name), HookAction::Failed, "",
                     "cannot create the hooks folder " + dir + ": " + why});
    return out;
  }
  for (std::string_view name : kHookNames) out.push_back(install_one(dir, name, fallback_binary));
  return out;
}

std::vector<HookOutcome> uninstall_hooks(const std::string& dir) {
  std::vector<HookOutcome> out;
  for (std::string_view name : kHookNames) out.push_back(uninstall_one(dir, name));
  return out;
}

std::string own_binary_path() {
  auto executable = [](const std::string& p) { return !p.empty() && ::access(p.c_str(), X_OK) == 0; };
  const char* execfn = reinterpret_cast<const char*>(getauxval(AT_EXECFN));
  if (execfn && std::strchr(execfn, '/')) {
    std::error_code ec;
    std::string p = path_normalize(fs::absolute(execfn, ec).string());
    if (!ec && executable(p)) return p;
  }
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && executable(self.string())) return self.string();
  return "";
}

}  // namespace kg
