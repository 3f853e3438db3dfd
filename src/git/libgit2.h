// The owner of libgit2's process-wide state: git_libgit2_init and the
// options kabsd-guard runs with (memory windows, object cache, hash
// verification), set when it is made, shut down when it goes. One lives in
// the command line's run() (cli/app.cc), one in the unit tests' global
// environment, one in each tool's main(). Repo refuses to open while none
// is alive, so no code path depends on options set behind its back.
#pragma once

namespace kg {

class Libgit2 {
 public:
  Libgit2();
  Libgit2(const Libgit2&) = delete;
  Libgit2& operator=(const Libgit2&) = delete;
  ~Libgit2();

  // True while a Libgit2 object is alive (in any thread).
  static bool alive();
};

}  // namespace kg
