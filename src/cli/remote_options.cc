#include "cli/remote_options.h"

#include <cmath>

#include "cli/context.h"
#include "git/error.h"
#include "git/sha1_mirror.h"
#include "util/strings.h"

namespace kg::cli {

void add_remote_options(CLI::App* sub, RemoteArgs& a, const char* what) {
  a.remote_opt = sub->add_option("--remote", a.remote, what)
                     ->expected(0, 1)
                     ->type_name("[NAME]");
  sub->add_flag("--no-remote", a.no_remote, std::string("Ignore ") + kReserveRemoteKey + " for this run");
  sub->add_option("--remote-timeout", a.timeout_s, "Seconds to wait for the remote per git fetch or push")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
}

std::optional<RemoteTransport> chosen_remote(const Repo& repo, const RemoteArgs& a) {
  if (a.no_remote) return std::nullopt;
  std::string name;
  if (a.remote_opt && a.remote_opt->count() > 0) {
    name = a.remote;
  } else {
    std::optional<std::string> configured = repo.config_string(kReserveRemoteKey);
    if (!configured) return std::nullopt;
    std::string v = to_lower(trim(*configured));
    if (v.empty() || v == "false" || v == "no" || v == "off" || v == "0") return std::nullopt;
    if (v != "true" && v != "yes" && v != "on" && v != "1") name = std::string(trim(*configured));
  }
  if (repo.sha256())
    throw GitError(sha256_unsupported(
        "the remote sequence ref (" + std::string(kReserveRemoteKey) + ", --remote)",
        "it writes a commit and pushes it, which must be done in the sha256 repository itself. Run with "
        "--no-remote to use this clone's table only (another clone may then hand out the same numbers), or "
        "unset " + std::string(kReserveRemoteKey) + " in this repository"));
  RemoteTransport t;
  t.remote = name.empty() ? default_remote(repo) : name;
  if (!is_configured_remote(repo, t.remote) && t.remote.find_first_of("/:") == std::string::npos)
    throw UsageError("no remote named '" + t.remote + "' (git remote -v lists them)");
  t.timeout = std::chrono::milliseconds(static_cast<long long>(std::llround(a.timeout_s * 1000)));
  return t;
}

}  // namespace kg::cli
