#include "model/rewrite.h"

#include <ctime>

#include "util/strings.h"

namespace kg {

std::string_view line_ending_of(std::string_view content) {
  size_t nl = content.find('\n');
  if (nl != std::string_view::npos && nl > 0 && content[nl - 1] == '\r') return "\r\n";
  return "\n";
}

std::optional<std::string> replace_id_value(std::string_view content, const Frontmatter& fm,
                                            std::string_view new_id) {
  const size_t b = fm.id_value_begin, e = fm.id_value_end;
  if (b == std::string_view::npos || e == std::string_view::npos || b > e || e > content.size())
    return std::nullopt;
  std::string_view old = content.substr(b, e - b);
  std::string value;
  if (old.size() >= 2 && (old.front() == '"' || old.front() == '\'') && old.back() == old.front()) {
    value = std::string(1, old.front()) + std::string(new_id) + old.front();
  } else if (!old.empty() && (old.front() == '"' || old.front() == '\'')) {
    return std::nullopt;  // an unterminated quote: not a value to touch
  } else {
    value = std::string(new_id);
    // `id:` with nothing after the colon: YAML needs a blank before a value.
    if (old.empty() && b > 0 && content[b - 1] == ':') value = " " + value;
  }
  std::string out;
  out.reserve(content.size() + value.size());
  out.append(content.substr(0, b));
  out.append(value);
  out.append(content.substr(e));
  return out;
}

bool is_worklog_heading(std::string_view line) {
  line = trim(line);
  if (line.empty() || line.front() != '#') return false;
  line.remove_prefix(1);
  return equals_icase(trim(line), "worklog");
}

std::string append_worklog(std::string_view content, size_t body_begin, std::string_view line) {
  const std::string eol(line_ending_of(content));
  bool has_section = false;
  size_t pos = body_begin > content.size() ? content.size() : body_begin;
  bool in_fence = false;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    size_t end = nl == std::string_view::npos ? content.size() : nl;
    std::string_view l = content.substr(pos, end - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    std::string_view t = trim(l);
    if (t.substr(0, 3) == "```" || t.substr(0, 3) == "~~~") in_fence = !in_fence;
    if (!in_fence && is_worklog_heading(l)) has_section = true;
    pos = nl == std::string_view::npos ? content.size() : nl + 1;
  }
  std::string out(content);
  if (!out.empty() && out.back() != '\n') out += eol;
  if (!has_section) {
    if (!out.empty()) out += eol;
    out += "# Worklog" + eol + eol;
  }
  out.append(line);
  out += eol;
  return out;
}

std::string worklog_line(std::string_view minute, std::string_view message) {
  return std::string(minute) + " [agent=kabsd-guard] " + std::string(message);
}

std::string local_minute_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

}  // namespace kg
