// A View over a folder of the file system (a working tree), relative to a
// root folder. `.git` (a folder, or the file of a linked worktree) is never
// listed; ignored files are (this is the plain file system). Unreadable
// folders are skipped. Entries carry a zero oid.
#pragma once

#include <filesystem>
#include <string>

#include "git/view.h"

namespace kg {

class WorkdirView : public View {
 public:
  explicit WorkdirView(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }

  void walk(std::string_view dir, const SkipDir& skip_dir, const Visit& visit) const override;
  using View::walk;
  std::vector<std::string> list_dirs(std::string_view dir) const override;
  bool exists(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  std::optional<std::string> read(std::string_view path, size_t max_bytes) const override;
  std::string read(const FileEntry& entry) const override;
  std::string read_prefix(const FileEntry& entry, size_t max_bytes) const override;
  std::vector<std::pair<std::string, std::string>> unreadable_dirs() const override { return unreadable_; }
  // Opens every folder below `dir` (not pruned by `skip_dir`) without
  // looking at the files, so that one that cannot be listed is known
  // (unreadable_dirs) even where no walk goes.
  void probe_dirs(std::string_view dir, const SkipDir& skip_dir) const;

 private:
  std::filesystem::path full(std::string_view path) const;
  void walk_dir(const std::filesystem::path& dir, const std::string& prefix,
                const SkipDir& skip_dir, const Visit& visit) const;
  std::optional<std::string> read_at(std::string_view path, size_t max_bytes) const;

  std::filesystem::path root_;
  mutable std::vector<std::pair<std::string, std::string>> unreadable_;  // what walks could not list
};

}  // namespace kg
