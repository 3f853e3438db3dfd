#include "git/sha1_mirror.h"

#include <git2/sys/repository.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "git/engines.h"
#include "git/error.h"
#include "git/fast_export.h"
#include "git/git_index.h"
#include "util/file_lock.h"

namespace kg {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines(const std::string& out) {
  std::vector<std::string> v;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) v.push_back(line);
  return v;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

constexpr std::string_view kExtraRefs = "refs/kabsd-guard/extra/";
// Converting a long history the first time takes a while; a run cut short
// keeps nothing, so the limit is generous.
constexpr std::chrono::minutes kConvertTimeout{60};

std::string first_line(const std::string& text) {
  const size_t at = text.find("fatal: ");
  std::string line = text.substr(at == std::string::npos ? 0 : at);
  return line.substr(0, line.find('\n'));
}

ConfigPtr repository_config(const std::string& common_dir) {
  git_config* raw = nullptr;
  check(git_config_open_default(&raw), "reading the git config");
  ConfigPtr config(raw);
  const std::string local = common_dir + "/config";
  if (fs::exists(local))
    check(git_config_add_file_ondisk(config.get(), local.c_str(), GIT_CONFIG_LEVEL_LOCAL, nullptr, 0),
          "reading " + local);
  return config;
}

}  // namespace

std::string sha256_unsupported(std::string_view what, std::string_view workaround) {
  return std::string(what) +
         " is not supported in a sha256 repository (extensions.objectFormat = sha256): kabsd-guard reads such a "
         "repository through a SHA-1 mirror (docs/architecture.md, \"Two engines\"), which this command cannot use; " +
         std::string(workaround);
}

std::pair<std::shared_ptr<Sha1Mirror>, RepositoryPtr> Sha1Mirror::open(const std::string& dir,
                                                                        const std::optional<std::string>& index_file) {
  GitCommand ask({"rev-parse", "--show-object-format", "--absolute-git-dir", "--git-common-dir",
                  "--is-bare-repository"});
  if (!dir.empty()) ask.discover_in(dir);
  const std::vector<std::string> got = lines(ask.timeout(std::chrono::seconds(30)).output());
  if (got.size() < 4 || got[0] != "sha256")
    throw GitError("the repository uses an object format that neither libgit2 1.5 nor this git reads as sha256");
  std::shared_ptr<Sha1Mirror> m(new Sha1Mirror());
  m->paths_.git_dir = got[1];
  const fs::path base = dir.empty() ? fs::current_path() : fs::absolute(dir);
  m->paths_.common_dir = (base / got[2]).lexically_normal().string();
  while (m->paths_.common_dir.size() > 1 && m->paths_.common_dir.back() == '/') m->paths_.common_dir.pop_back();
  m->paths_.bare = got[3] == "true";
  if (!m->paths_.bare) {
    GitCommand top({"rev-parse", "--show-toplevel"});
    if (!dir.empty()) top.discover_in(dir);
    const std::vector<std::string> t = lines(top.output());
    if (!t.empty()) m->paths_.workdir = t[0];
  }
  m->index_file_ = index_file;
  m->from_env_ = dir.empty();
  m->dir_ = m->paths_.git_dir + "/kabsd-guard/sha1-mirror";

  FileLock lock(m->dir_ + ".lock", std::chrono::seconds(120));
  git_repository* raw = nullptr;
  if (fs::exists(m->dir_ + "/HEAD")) {
    check(git_repository_open_bare(&raw, m->dir_.c_str()), "opening the SHA-1 mirror " + m->dir_);
  } else {
    check(git_repository_init(&raw, m->dir_.c_str(), 1), "creating the SHA-1 mirror " + m->dir_);
  }
  RepositoryPtr repo(raw);
  m->sync(repo.get());
  ConfigPtr config = repository_config(m->paths_.common_dir);
  check(git_repository_set_config(repo.get(), config.get()), "using the repository's config");
  if (!m->paths_.workdir.empty())
    check(git_repository_set_workdir(repo.get(), m->paths_.workdir.c_str(), 0),
          "setting the working tree to " + m->paths_.workdir);
  note_engine("sha256 repository: read by git (fast-export into a SHA-1 mirror, " + m->dir_ +
              "; ls-files for the index; rev-parse for revisions): libgit2 1.5 cannot open it");
  return {m, std::move(repo)};
}

GitLocation Sha1Mirror::location() const {
  GitLocation where;
  where.git_dir = paths_.git_dir;
  where.work_tree = paths_.workdir;
  where.index_file = index_file_;
  where.from_env = from_env_;
  return where;
}

// Runs `git fast-export` of `revs` (incremental through the marks files)
// into `git fast-import` in the mirror and records the new objects' SHA-1
// ids. A revision given as a bare object id (a commit on no ref) is written
// under refs/kabsd-guard/extra/<id>: fast-import wants a ref name.
std::set<std::string> Sha1Mirror::export_revs(const std::vector<std::string>& revs, bool keep_marks) {
  const std::string em = dir_ + "/export-marks", im = dir_ + "/import-marks";
  auto fast_export = [&](bool incremental) {
    std::vector<std::string> args{"fast-export", "--show-original-ids", "--signed-tags=strip",
                                  "--tag-of-filtered-object=drop", "--reencode=no", "--export-marks=" + em + ".new"};
    if (incremental) args.push_back("--import-marks=" + em);
    args.insert(args.end(), revs.begin(), revs.end());
    return GitCommand(args).at(location()).timeout(kConvertTimeout).run();
  };
  GitResult r = fast_export(fs::exists(em));
  if (r.status != 0 && fs::exists(em)) {
    // An object the marks name is gone (pruned after an amend or a rebase,
    // or a refused push's quarantine): convert the history again from the
    // start; the objects the mirror has are kept. (The export marks go
    // first: marks without their import marks would name commits that
    // map to nothing.)
    fs::remove(em);
    fs::remove(im);
    r = fast_export(false);
  }
  if (r.status != 0) throw GitError("git fast-export (the sha256 mirror) failed: " + first_line(r.err));
  const bool imported = !r.out.empty();
  const ExportStream exported = rewrite_export_stream(r.out, kExtraRefs);
  if (imported) {
    // Both marks files are replaced only once the import succeeded, the
    // import marks first (git/fast_export.h).
    GitLocation at_mirror;
    at_mirror.git_dir = dir_;
    GitCommand({"fast-import", "--quiet", "--force", "--export-marks=" + im + ".new",
                "--import-marks-if-exists=" + im})
        .at(at_mirror)
        .input(std::move(r.out))
        .timeout(kConvertTimeout)
        .output();
    if (keep_marks) fs::rename(im + ".new", im);
  }
  if (fs::exists(em + ".new")) {
    if (keep_marks) fs::rename(em + ".new", em);
    else fs::remove(em + ".new");
  }
  record_ids(exported, !keep_marks && imported ? im + ".new" : im);
  if (!keep_marks && imported) fs::remove(im + ".new");
  return exported.refs;
}

// The SHA-1 ids of the objects the export marks name (commits: the marks
// joined with `import_marks`) and of those `exported` wrote (the blobs, and
// the commits whose marks are not kept); these are appended to the id map.
void Sha1Mirror::record_ids(const ExportStream& exported, const std::string& import_marks) {
  load_map();
  const std::string sha1_text = read_file(import_marks), sha256_text = read_file(dir_ + "/export-marks");
  const MarkIds sha1s(sha1_text, GIT_OID_HEXSZ);
  join_marks(MarkIds(sha256_text, 64), sha1s, map_);
  std::string added;
  for (const auto& [mark, sha256] : exported.marks) {
    const std::string_view sha1 = sha1s.find(mark);
    git_oid oid;
    if (sha1.empty() || git_oid_fromstrn(&oid, sha1.data(), sha1.size()) != 0) continue;
    if (map_.emplace(sha256, oid).second) added += id_map_line(sha256, oid);
  }
  append_id_map(dir_ + "/oid-map", added);
}

void Sha1Mirror::sync(git_repository* mirror) {
  const GitLocation real = location();
  const GitResult head = GitCommand({"rev-parse", "-q", "--verify", "HEAD^{commit}"}).at(real).run();
  const GitResult branch = GitCommand({"symbolic-ref", "-q", "HEAD"}).at(real).run();
  std::vector<std::string> revs{"--branches", "--remotes", "--tags"};
  if (head.status == 0) {
    revs.push_back("--refspec=HEAD:refs/kabsd-guard/HEAD");
    revs.push_back("HEAD");
  }
  // The refs name objects of the permanent store, also in a push's
  // quarantine (the pushed commits are on no ref yet): remembered.
  const std::set<std::string> refs = export_revs(revs, true);
  // Refs gone from the repository go from the mirror.
  git_strarray names{};
  check(git_reference_list(&names, mirror), "listing the mirror's refs");
  for (size_t i = 0; i < names.count; ++i) {
    if (std::string_view(names.strings[i]) != "HEAD" && !refs.contains(names.strings[i]))
      git_reference_remove(mirror, names.strings[i]);
  }
  git_strarray_dispose(&names);
  std::string target = branch.out;
  while (!target.empty() && target.back() == '\n') target.pop_back();
  if (branch.status == 0 && !target.empty()) {
    check(git_repository_set_head(mirror, target.c_str()), "setting the mirror's HEAD");
  } else if (head.status == 0) {
    check(git_repository_set_head(mirror, "refs/kabsd-guard/HEAD"), "setting the mirror's HEAD");
    check(git_repository_detach_head(mirror), "detaching the mirror's HEAD");
  }
}

void Sha1Mirror::load_map() {
  if (map_loaded_) return;
  map_loaded_ = true;
  read_id_map(read_file(dir_ + "/oid-map"), map_);
}

IndexPtr Sha1Mirror::read_index(git_repository* mirror) {
  load_map();
  std::unique_ptr<CatFileBatch> cat;
  OdbPtr odb;
  std::string added;
  auto sha1_of = [&](std::string_view hex, uint32_t mode) {
    const std::string id(hex);
    if (auto it = map_.find(id); it != map_.end()) return it->second;
    git_oid oid{};
    if (mode == 0160000) {  // a submodule's commit: never read, any stable id will do
      check(git_oid_fromstrn(&oid, id.data(), GIT_OID_HEXSZ), "reading a submodule id");
      return oid;
    }
    if (!cat) {
      cat = std::make_unique<CatFileBatch>(location());
      git_odb* raw = nullptr;
      check(git_repository_odb(&raw, mirror), "opening the mirror's object database");
      odb.reset(raw);
    }
    std::optional<CatFileBatch::Object> blob = cat->read(id);
    if (!blob) throw GitError("git cat-file: cannot read the staged object " + id);
    check(git_odb_write(&oid, odb.get(), blob->data.data(), blob->data.size(), GIT_OBJECT_BLOB),
          "writing a staged blob to the mirror");
    map_.emplace(id, oid);
    added += id_map_line(id, oid);
    return oid;
  };
  IndexPtr index = read_index_with_git(location(), sha1_of);
  append_id_map(dir_ + "/oid-map", added);
  return index;
}

git_oid Sha1Mirror::commit_for(std::string_view rev) {
  if (rev.empty() || rev.front() == '-') throw GitError("not a revision: '" + std::string(rev) + "'");
  const GitResult r =
      GitCommand({"rev-parse", "-q", "--verify", std::string(rev) + "^{commit}"}).at(location()).run();
  std::string id = r.out;
  while (!id.empty() && id.back() == '\n') id.pop_back();
  if (r.status != 0 || id.empty()) throw GitError("resolving '" + std::string(rev) + "': not a commit git knows");
  load_map();
  auto it = map_.find(id);
  if (it == map_.end() && is_hex(id, 64)) {
    // A commit on no mirrored ref (pushed by id, a stash, a custom ref): exported now.
    FileLock lock(dir_ + ".lock", std::chrono::seconds(120));
    // In a push's quarantine (pre-receive) the pushed objects are dropped
    // with a refused push: what was exported from there is not kept in the
    // marks (its ids go to the id map only).
    export_revs({id}, std::getenv("GIT_QUARANTINE_PATH") == nullptr);
    it = map_.find(id);
  }
  if (it == map_.end())
    throw GitError("commit " + id + " ('" + std::string(rev) + "') could not be copied into the SHA-1 mirror " +
                   dir_ + " (git fast-export gave no id for it)");
  return it->second;
}

}  // namespace kg
