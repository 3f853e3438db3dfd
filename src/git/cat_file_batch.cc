// CatFileBatch: one `git cat-file --batch` kept running. See git_process.h.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "git/error.h"
#include "git/git_env.h"
#include "git/git_process.h"
#include "git/spawn.h"

namespace kg {

struct CatFileBatch::Process {
  Child child;
  std::string buffered;  // read from stdout, not yet consumed
  std::string errors;    // git's stderr so far (the first 64 KiB)
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};

  explicit Process(const SpawnSpec& spec) : child(spec) {}

  // Reads more of stdout (and whatever stderr has) until `ready` holds.
  template <typename Ready>
  void fill(Ready&& ready, const std::string& what) {
    const SpawnClock::time_point deadline = SpawnClock::now() + timeout;
    char buf[65536];
    while (!ready()) {
      if (child.out() < 0) throw GitError(what + ": git cat-file stopped" + why());
      pollfd fds[2] = {{child.out(), POLLIN, 0}, {child.err(), POLLIN, 0}};
      const int left = remaining_ms(deadline);
      if (left == 0) throw GitError(what + ": git cat-file gave no answer within the timeout" + why());
      if (::poll(fds, 2, left) < 0) {
        if (errno == EINTR) continue;
        throw GitError(what + ": poll: " + std::strerror(errno));
      }
      if (fds[1].revents != 0) {
        const ssize_t n = ::read(child.err(), buf, sizeof buf);
        if (n > 0) append_capped(errors, buf, static_cast<size_t>(n), size_t{64} << 10);
        else if (n == 0) child.close_err();
      }
      if (fds[0].revents != 0) {
        const ssize_t n = ::read(child.out(), buf, sizeof buf);
        if (n > 0) buffered.append(buf, static_cast<size_t>(n));
        else if (n == 0 || errno != EINTR) child.close_out();
      }
    }
  }

  std::string why() const {
    std::string e = errors;
    while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
    return e.empty() ? std::string() : ": " + e;
  }

  void send(const std::string& line, const std::string& what) {
    size_t done = 0;
    while (done < line.size()) {
      const ssize_t n = ::write(child.in(), line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw GitError(what + ": git cat-file stopped reading" + why());
      done += static_cast<size_t>(n);
    }
  }
};

CatFileBatch::CatFileBatch(const GitLocation& where) : where_(where) {}

CatFileBatch::~CatFileBatch() = default;

std::optional<CatFileBatch::Object> CatFileBatch::read(std::string_view name) {
  const std::string what = "reading " + std::string(name) + " through git";
  if (name.empty() || name.find('\n') != std::string_view::npos) throw GitError(what + ": not an object name");
  if (!process_) {
    SpawnSpec spec;
    spec.argv = {"git", "cat-file", "--batch"};
    spec.env = child_env(where_, false);
    spec.chdir = top_level_of(where_);
    process_ = std::make_unique<Process>(spec);
  }
  Process& p = *process_;
  try {
    p.send(std::string(name) + "\n", what);
    size_t eol = 0;
    p.fill([&] { return (eol = p.buffered.find('\n')) != std::string::npos; }, what);
    const std::string header = p.buffered.substr(0, eol);
    p.buffered.erase(0, eol + 1);
    // "<oid> <type> <size>", or "<name> missing" / "<name> ambiguous".
    if (header.ends_with(" missing") || header.ends_with(" ambiguous")) return std::nullopt;
    const size_t sp2 = header.rfind(' ');
    const size_t sp1 = sp2 == std::string::npos || sp2 == 0 ? std::string::npos : header.rfind(' ', sp2 - 1);
    if (sp1 == std::string::npos) throw GitError(what + ": unexpected answer '" + header + "'");
    Object obj;
    obj.type = header.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string size_text = header.substr(sp2 + 1);
    char* end = nullptr;
    const unsigned long long size = std::strtoull(size_text.c_str(), &end, 10);
    if (size_text.empty() || *end != '\0') throw GitError(what + ": unexpected answer '" + header + "'");
    p.fill([&] { return p.buffered.size() >= size + 1; }, what);
    obj.data = p.buffered.substr(0, size);
    p.buffered.erase(0, size + 1);
    return obj;
  } catch (const GitError&) {
    process_.reset();  // out of step: a new one next time
    throw;
  }
}

}  // namespace kg
