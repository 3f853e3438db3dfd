#include "git/fast_export.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace kg {

namespace {

// ":12" -> 12; 0 (no mark) for anything else.
uint64_t mark_number(std::string_view s) {
  uint64_t n = 0;
  if (s.size() < 2 || s[0] != ':') return 0;
  const auto [end, ec] = std::from_chars(s.data() + 1, s.data() + s.size(), n);
  return ec == std::errc() && end == s.data() + s.size() ? n : 0;
}

// Inserts `extra` at each of the ascending offsets `at` of `s`, moving the
// text from the end backwards (in place but for the growth).
void insert_at(std::string& s, const std::vector<size_t>& at, std::string_view extra) {
  if (at.empty()) return;
  size_t end = s.size();
  s.resize(s.size() + at.size() * extra.size());
  char* d = s.data();
  for (size_t i = at.size(); i-- > 0;) {
    std::memmove(d + at[i] + (i + 1) * extra.size(), d + at[i], end - at[i]);
    std::memcpy(d + at[i] + i * extra.size(), extra.data(), extra.size());
    end = at[i];
  }
}

}  // namespace

bool is_hex(std::string_view s, size_t size) {
  return s.size() == size && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

ExportStream rewrite_export_stream(std::string& s, std::string_view extra) {
  ExportStream e;
  std::vector<size_t> inserts;  // where `extra` goes, in the rewritten stream
  uint64_t mark = 0;
  size_t p = 0, w = 0;  // read, write (w <= p: the stream only shrinks here)
  while (p < s.size()) {
    size_t eol = s.find('\n', p);
    if (eol == std::string::npos) eol = s.size();
    const std::string_view line(s.data() + p, eol - p);
    const size_t start = p;
    p = eol + 1;
    bool keep = true;
    if (line.starts_with("data ")) {
      uint64_t n = 0;
      std::from_chars(line.data() + 5, line.data() + line.size(), n);
      p += std::min<uint64_t>(n, s.size());
      mark = 0;
    } else if (line.starts_with("mark ")) {
      mark = mark_number(line.substr(5));
    } else if (line.starts_with("original-oid ") && mark != 0) {
      e.marks.emplace_back(mark, line.substr(13));
    } else if (line.starts_with("commit ") || line.starts_with("reset ")) {
      const size_t sp = line.find(' ');
      const std::string_view ref = line.substr(sp + 1);
      if (is_hex(ref, 64)) {
        inserts.push_back(w + sp + 1);
        e.refs.insert(std::string(extra).append(ref));
      } else {
        e.refs.emplace(ref);
      }
      mark = 0;
    } else if (line.starts_with("tag ")) {
      e.refs.insert("refs/tags/" + std::string(line.substr(4)));
      mark = 0;
    } else if (line.starts_with("M 160000 ")) {
      keep = false;
    }
    const size_t end = std::min(p, s.size());
    if (keep) {
      std::memmove(s.data() + w, s.data() + start, end - start);
      w += end - start;
    }
  }
  s.resize(w);
  insert_at(s, inserts, extra);
  return e;
}

MarkIds::MarkIds(std::string_view text, size_t hex_size) {
  size_t p = 0;
  while (p < text.size()) {
    size_t eol = text.find('\n', p);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(p, eol - p);
    p = eol + 1;
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos) continue;
    const uint64_t mark = mark_number(line.substr(0, sp));
    if (mark != 0 && is_hex(line.substr(sp + 1), hex_size)) ids_.emplace_back(mark, line.substr(sp + 1));
  }
  // stable: of a mark named twice, the first line wins
  std::stable_sort(ids_.begin(), ids_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

std::string_view MarkIds::find(uint64_t mark) const {
  const auto it =
      std::lower_bound(ids_.begin(), ids_.end(), mark, [](const auto& a, uint64_t m) { return a.first < m; });
  return it != ids_.end() && it->first == mark ? it->second : std::string_view();
}

void join_marks(const MarkIds& sha256, const MarkIds& sha1, IdMap& map) {
  sha256.for_each([&](uint64_t mark, std::string_view id) {
    const std::string_view to = sha1.find(mark);
    git_oid oid;
    if (!to.empty() && git_oid_fromstrn(&oid, to.data(), to.size()) == 0) map.insert_or_assign(std::string(id), oid);
  });
}

std::string id_map_line(std::string_view sha256, const git_oid& sha1) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &sha1);
  return std::string(sha256).append(" ").append(hex).append("\n");
}

void read_id_map(std::string_view text, IdMap& map) {
  size_t p = 0;
  while (p < text.size()) {
    size_t eol = text.find('\n', p);
    if (eol == std::string_view::npos) break;  // the last line, unfinished
    const std::string_view line = text.substr(p, eol - p);
    p = eol + 1;
    git_oid oid;
    if (line.size() != 64 + 1 + GIT_OID_HEXSZ || line[64] != ' ' || !is_hex(line.substr(0, 64), 64) ||
        !is_hex(line.substr(65), GIT_OID_HEXSZ) || git_oid_fromstrn(&oid, line.data() + 65, GIT_OID_HEXSZ) != 0)
      continue;
    map.emplace(std::string(line.substr(0, 64)), oid);
  }
}

void append_id_map(const std::string& path, std::string_view lines) {
  if (lines.empty()) return;
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return;
  while (!lines.empty()) {
    const ssize_t n = ::write(fd, lines.data(), lines.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    lines.remove_prefix(static_cast<size_t>(n));
  }
  ::close(fd);
}

}  // namespace kg
