// The options that put a git remote in charge of the sequences (reserve,
// sync): --remote [NAME], --no-remote, --remote-timeout, and the git config
// key kabsd-guard.reserveRemote that makes a remote the default.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "git/remote_sequences.h"
#include "git/repo.h"

namespace kg::cli {

inline constexpr const char* kReserveRemoteKey = "kabsd-guard.reserveRemote";

struct RemoteArgs {
  CLI::Option* remote_opt = nullptr;
  std::string remote;  // "" with --remote alone: the default remote
  bool no_remote = false;
  double timeout_s = 20;
};

void add_remote_options(CLI::App* sub, RemoteArgs& args, const char* what);

// The remote to use: --remote [NAME], else the config key (a remote's name,
// or true for the default remote); nullopt for none (or --no-remote).
// Throws
// RemoteError when the default remote is asked for and there is none.
std::optional<RemoteTransport> chosen_remote(const Repo& repo, const RemoteArgs& args);

}  // namespace kg::cli
