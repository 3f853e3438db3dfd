#include "git/blob.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "git/engines.h"
#include "git/error.h"
#include "git/git_process.h"
#include "git/handles.h"
#include "git/object.h"
#include "git/packs.h"

namespace kg {

namespace {

// The line of git's stderr that says why (its first "fatal:" line).
std::string first_fatal(std::string_view message) {
  size_t at = message.find("fatal: ");
  if (at == std::string_view::npos) at = 0;
  std::string_view line = message.substr(at);
  line = line.substr(0, line.find('\n'));
  return std::string(line);
}

// What libgit2 cannot read, git may: an object a partial clone has not
// fetched yet (git cat-file fetches it from the promisor remote), or one in
// a store libgit2 1.5 does not understand. One `git cat-file --batch` per
// Repo, kept in its ObjectStore.
std::optional<std::string> read_with_git(const Repo& repo, const git_oid& oid, const std::string& why) {
  std::optional<CatFileBatch::Object> obj;
  try {
    obj = repo.objects().read_with_git(repo.object_location(), to_hex(oid));
  } catch (const GitError& e) {
    throw UnreadableObject("blob " + to_hex(oid) + " is not in the object store (" + why +
                           ") and git cannot read it either: " + first_fatal(e.what()));
  }
  if (!obj) return std::nullopt;
  if (obj->type != "blob") throw GitError("reading blob " + to_hex(oid) + ": git says it is a " + obj->type);
  note_engine("objects libgit2 could not read were read by git cat-file --batch (a partial clone fetches "
              "them from its promisor remote)");
  return std::move(obj->data);
}

}  // namespace

uint64_t blob_size(git_odb* odb, const git_oid& oid) {
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  check(git_odb_read_header(&size, &type, odb, &oid), "reading object " + to_hex(oid));
  return size;
}

std::string read_blob(const Repo& repo, const git_oid& oid) {
  if (auto obj = repo.objects().read(oid); obj && obj->type == GIT_OBJECT_BLOB) return std::move(obj->data);
  git_blob* raw = nullptr;
  if (int rc = git_blob_lookup(&raw, repo.raw(), &oid); rc < 0) {
    const std::string why = last_git_error(rc);
    git_error_clear();
    if (auto data = read_with_git(repo, oid, why)) return std::move(*data);
    throw UnreadableObject("blob " + to_hex(oid) + " is not in the object store (" + why +
                               ") and git cannot read it either (a partial clone that cannot reach its "
                               "promisor remote, or a damaged object store)",
                           rc);
  }
  BlobPtr blob(raw);
  const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  const auto size = static_cast<size_t>(git_blob_rawsize(blob.get()));
  return std::string(data, size);
}

std::string read_blob_prefix(const Repo& repo, git_odb* odb, const git_oid& oid, size_t max_bytes) {
  if (max_bytes == 0) return {};
  const PackSet& packs = repo.objects().packs();
  if (auto obj = repo.objects().read(oid, max_bytes); obj && obj->type == GIT_OBJECT_BLOB) return std::move(obj->data);
  git_odb_stream* raw = nullptr;
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  // A packed object cannot be streamed; asking first costs a failed look
  // for a loose file (a stat) per object.
  if (packs.find(oid) || git_odb_open_rstream(&raw, &size, &type, odb, &oid) < 0) {
    git_error_clear();  // not streamable (packed): load it whole
    std::string all = read_blob(repo, oid);
    if (all.size() > max_bytes) all.resize(max_bytes);
    return all;
  }
  OdbStreamPtr stream(raw);
  std::string out(std::min(size, max_bytes), '\0');
  size_t got = 0;
  constexpr size_t kChunk = size_t{1} << 20;
  while (got < out.size()) {
    const size_t want = std::min(kChunk, out.size() - got);
    int n = git_odb_stream_read(stream.get(), out.data() + got, want);
    check(n, "streaming blob " + to_hex(oid));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

void fetch_missing(git_repository* repo, const std::vector<git_oid>& oids) {
  if (oids.empty()) return;
  git_config* raw_config = nullptr;
  if (git_repository_config_snapshot(&raw_config, repo) < 0) {
    git_error_clear();
    return;
  }
  std::unique_ptr<git_config, GitFree<&git_config_free>> config(raw_config);
  // The promisor remote: extensions.partialClone (older git), else the
  // first remote with remote.<name>.promisor = true.
  std::string promisor;
  const char* value = nullptr;
  if (git_config_get_string(&value, config.get(), "extensions.partialclone") == 0 && value != nullptr) promisor = value;
  git_error_clear();
  if (promisor.empty()) {
    // Every entry, filtered here: libgit2's regex matching (pcre2) leaks.
    git_config_iterator* raw_it = nullptr;
    if (git_config_iterator_new(&raw_it, config.get()) == 0) {
      git_config_entry* e = nullptr;
      while (promisor.empty() && git_config_next(&e, raw_it) == 0) {
        std::string_view key(e->name);
        int yes = 0;
        if (key.starts_with("remote.") && key.ends_with(".promisor") && key.size() > 16 &&
            git_config_parse_bool(&yes, e->value) == 0 && yes)
          promisor.assign(key.substr(7, key.size() - 16));
      }
      git_config_iterator_free(raw_it);
    }
    git_error_clear();
  }
  if (promisor.empty()) return;  // not a partial clone
  git_odb* raw_odb = nullptr;
  check(git_repository_odb(&raw_odb, repo), "opening the object database");
  OdbPtr odb(raw_odb);
  std::string wanted;
  size_t count = 0;
  for (const git_oid& oid : oids) {
    if (git_oid_is_zero(&oid) || git_odb_exists(odb.get(), &oid)) continue;
    wanted += to_hex(oid) + "\n";
    ++count;
  }
  git_error_clear();
  if (count == 0) return;
  GitLocation where;
  where.git_dir = git_repository_path(repo);
  while (where.git_dir.size() > 1 && where.git_dir.back() == '/') where.git_dir.pop_back();
  if (const char* wd = git_repository_workdir(repo)) where.work_tree = wd;
  // The command git's own lazy fetch runs (promisor-remote.c).
  GitResult r = GitCommand({"-c", "fetch.negotiationAlgorithm=noop", "fetch", promisor, "--no-tags",
                            "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none", "--stdin"})
                    .at(where)
                    .input(std::move(wanted))
                    .timeout(std::chrono::minutes(10))
                    .run();
  if (r.status != 0) return;  // each read then tries, and says what fails
  git_odb_refresh(odb.get());
  note_engine("a partial clone: " + std::to_string(count) + " missing object(s) fetched by git fetch from '" +
              promisor + "'");
}

void release_read_caches(const Repo& repo) { repo.objects().release(); }

}  // namespace kg
