// Test helpers for the file deltas (index_delta.h, tree_delta.h): random
// edits of a working tree over names that exercise git's orderings, and a
// printable form of a delta list.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "git/index_delta.h"
#include "git/testing.h"

namespace kg::gittest {

inline std::string render(const std::vector<Delta>& deltas) {
  std::ostringstream out;
  for (const Delta& d : deltas) {
    out << d.path << " [" << d.stage << "] " << to_hex(d.old_oid).substr(0, 8) << " " << std::oct
        << d.old_mode << " -> " << to_hex(d.new_oid).substr(0, 8) << " " << d.new_mode << std::dec << "\n";
  }
  return out.str();
}

// Random edits over names that exercise git's orderings.
class Editor {
 public:
  Editor(fs::path root, uint32_t seed) : root_(std::move(root)), seed_(seed) {}

  uint32_t next() {
    seed_ = seed_ * 1103515245u + 12345u;
    return seed_ >> 8;
  }

  std::string random_path() {
    static const char* names[] = {"a", "a.b", "a-b", "a0", "b"};
    std::string p;
    const int depth = 1 + static_cast<int>(next() % 3);
    for (int i = 0; i < depth; ++i) p += (i ? "/" : "") + std::string(names[next() % 5]);
    return p;
  }

  // Makes room for a file at `rel`: files on the way become folders.
  void clear_for_file(const std::string& rel) {
    fs::path p = root_;
    std::string_view rest = rel;
    while (true) {
      const size_t slash = rest.find('/');
      p /= std::string(rest.substr(0, slash));
      if (slash == std::string_view::npos) break;
      if (fs::exists(fs::symlink_status(p)) && !fs::is_directory(fs::symlink_status(p))) fs::remove(p);
      rest.remove_prefix(slash + 1);
    }
    if (fs::is_directory(fs::symlink_status(p))) fs::remove_all(p);
  }

  void edit() {
    const std::string rel = random_path();
    const fs::path p = root_ / rel;
    std::error_code ec;  // an ancestor may be a file
    switch (next() % 6) {
      case 0:
      case 1:
        clear_for_file(rel);
        if (fs::is_symlink(p)) fs::remove(p, ec);
        write_file(p, "content " + std::to_string(next() % 4) + "\n");
        break;
      case 2:
        fs::remove_all(p, ec);
        break;
      case 3:
        clear_for_file(rel);
        fs::remove(p, ec);
        fs::create_directories(p.parent_path());
        fs::create_symlink("target" + std::to_string(next() % 3), p);
        break;
      case 4: {  // the executable bit of some file
        std::vector<fs::path> files;
        for (auto it = fs::recursive_directory_iterator(root_); it != fs::recursive_directory_iterator(); ++it) {
          if (it->path().filename() == ".git") {
            it.disable_recursion_pending();
          } else if (it->is_regular_file() && !it->is_symlink()) {
            files.push_back(it->path());
          }
        }
        if (files.empty()) break;
        const fs::path& f = files[next() % files.size()];
        const bool exec = (fs::status(f).permissions() & fs::perms::owner_exec) != fs::perms::none;
        fs::permissions(f, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                        exec ? fs::perm_options::remove : fs::perm_options::add);
        break;
      }
      default:  // a folder where there may be a file
        fs::remove_all(p, ec);
        clear_for_file(rel + "/a");
        write_file(p / "a", "inner\n");
        break;
    }
  }

 private:
  fs::path root_;
  uint32_t seed_;
};

// What the random edits produced, so the test knows it covered the cases.
struct Seen {
  int deltas = 0, type_changes = 0, exec_changes = 0, file_folder = 0;
  void add(const std::vector<Delta>& deltas_) {
    deltas += static_cast<int>(deltas_.size());
    for (const Delta& d : deltas_) {
      if (d.old_mode != 0 && d.new_mode != 0 && d.old_mode != d.new_mode) {
        ++((d.old_mode == 0120000 || d.new_mode == 0120000) ? type_changes : exec_changes);
      }
      for (const Delta& e : deltas_) {
        if (e.path.size() > d.path.size() && e.path.starts_with(d.path + "/")) ++file_folder;
      }
    }
  }
};

}  // namespace kg::gittest
