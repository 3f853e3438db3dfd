// Helpers for the git layer's tests: throwaway repositories made with the
// real git binary. Header-only (tests only).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "util/scoped_env.h"

namespace kg::gittest {

namespace fs = std::filesystem;

inline std::string quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs `command` with sh in a clean git environment; returns its stdout.
// Throws (failing the test) on a non-zero exit.
inline std::string sh(const std::string& command) {
  const std::string full =
      "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_COMMON_DIR "
      "GIT_CEILING_DIRECTORIES; export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null; " +
      command;
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  std::string out;
  std::array<char, 4096> buf;
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  if (status != 0) throw std::runtime_error("command failed (" + std::to_string(status) + "): " + command);
  return out;
}

// `git -C dir <args>`; `args` is shell text.
inline std::string git(const fs::path& dir, const std::string& args) {
  return sh("git -C " + quote(dir.native()) + " " + args);
}

inline std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

inline void write_file(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

// `git init` with an identity and a fixed default branch.
inline void init_repo(const fs::path& dir, const std::string& extra = "") {
  sh("git -c init.defaultBranch=main init -q " + extra + " " + quote(dir.native()));
  git(dir, "config user.name Tester && git -C " + quote(dir.native()) +
               " config user.email tester@example.com");
}

inline void commit_all(const fs::path& dir, const std::string& message) {
  git(dir, "add -A");
  git(dir, "commit -q --allow-empty -m " + quote(message));
}

// A fresh temporary folder, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/kg-git-test-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = fs::canonical(templ);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

// Changes the current directory for the lifetime of the guard.
class ScopedCwd {
 public:
  explicit ScopedCwd(const fs::path& dir) : saved_(fs::current_path()) { fs::current_path(dir); }
  ScopedCwd(const ScopedCwd&) = delete;
  ScopedCwd& operator=(const ScopedCwd&) = delete;
  ~ScopedCwd() {
    std::error_code ec;
    fs::current_path(saved_, ec);
  }

 private:
  fs::path saved_;
};


// Clears the variables that steer repository discovery, so a test run from
// inside a git hook does not see the outer repository.
class CleanGitEnv {
 public:
  CleanGitEnv()
      : dir_("GIT_DIR", std::nullopt),
        work_tree_("GIT_WORK_TREE", std::nullopt),
        index_("GIT_INDEX_FILE", std::nullopt),
        objects_("GIT_OBJECT_DIRECTORY", std::nullopt),
        common_("GIT_COMMON_DIR", std::nullopt) {}

 private:
  ScopedEnv dir_, work_tree_, index_, objects_, common_;
};

}  // namespace kg::gittest
