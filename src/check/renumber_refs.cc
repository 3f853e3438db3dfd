// renumber, step 2: every other mention of an old ID. Reported, never
// rewritten: after a renumbering an old ID may mean either item.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "check/renumber.h"
#include "model/frontmatter.h"
#include "model/item.h"
#include "util/paths.h"
#include "util/strings.h"

namespace kg {

namespace {

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// The ID text up to its number: "KABSD-TSK-", "ADR-".
std::string stem_of(const ItemId& id) {
  if (id.type == TypeCode::Adr) return "ADR-";
  return id.prefix + "-" + std::string(type_code(id.type)) + "-";
}

bool mentions(std::string_view line, const std::string& stem, int64_t number) {
  const std::string upper = to_upper(line);
  for (size_t at = upper.find(stem); at != std::string::npos; at = upper.find(stem, at + 1)) {
    if (at > 0 && alnum(upper[at - 1])) continue;
    size_t p = at + stem.size(), digits = 0;
    int64_t n = 0;
    while (p < upper.size() && std::isdigit(static_cast<unsigned char>(upper[p])) && digits < 18) {
      n = n * 10 + (upper[p] - '0');
      ++p;
      ++digits;
    }
    if (digits == 0 || (p < upper.size() && alnum(upper[p]))) continue;
    if (n == number) return true;
  }
  return false;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}

std::string shorten(std::string_view s) {
  s = trim(s);
  if (s.size() <= 200) return std::string(s);
  return std::string(s.substr(0, 197)) + "...";
}

// The frontmatter key a line belongs to, or "body".
class FieldTracker {
 public:
  explicit FieldTracker(std::string_view content) {
    Frontmatter fm = parse_frontmatter(content);
    if (fm.status != Frontmatter::Status::Ok) {
      body_line_ = 1;
      return;
    }
    body_line_ = 1 + static_cast<int>(std::count(content.begin(), content.begin() + fm.body_begin, '\n'));
    id_line_ = fm.id_line;
  }
  int id_line() const { return id_line_; }
  std::string field(int line_no, std::string_view line) {
    if (line_no >= body_line_ || line_no == 1) return line_no >= body_line_ ? "body" : "frontmatter";
    if (!line.empty() && line.front() != ' ' && line.front() != '\t' && line.front() != '-' &&
        line.front() != '#') {
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string_view key = trim(line.substr(0, colon));
        if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'')) key = key.substr(1, key.size() - 2);
        key_ = std::string(key);
      }
    }
    return key_.empty() ? "frontmatter" : key_;
  }

 private:
  int body_line_ = 1;
  int id_line_ = 0;
  std::string key_;
};

}  // namespace

std::vector<std::pair<int, std::string>> find_id_mentions(std::string_view content, const ItemId& id) {
  std::vector<std::pair<int, std::string>> out;
  const std::string stem = stem_of(id);
  size_t pos = 0;
  int line_no = 1;
  while (pos <= content.size()) {
    size_t nl = content.find('\n', pos);
    size_t end = nl == std::string_view::npos ? content.size() : nl;
    std::string_view line = content.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (mentions(line, stem, id.number)) out.emplace_back(line_no, std::string(line));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
    ++line_no;
  }
  return out;
}

void find_references(RenumberPlan& plan, const Backlog& wt, const std::string& workdir) {
  struct Old {
    ItemId id;
    std::string product_root;  // ADR numbers are per product
    std::set<std::string> claimants;
  };
  std::vector<Old> olds;
  std::set<std::string> seen;
  for (const RenumberMove& m : plan.moves) {
    if (m.kind != RenumberMove::Kind::Renumber) continue;
    const std::string key = claim_key_of(m.old_id, m.product_root);
    if (!seen.insert(key).second) continue;
    Old o{m.old_id, m.product_root, {}};
    for (const auto& [k, paths] : plan.claimants)
      if (k == key) o.claimants.insert(paths.begin(), paths.end());
    o.claimants.insert(m.from);
    olds.push_back(std::move(o));
  }
  if (olds.empty()) return;
  for (const Item& item : wt.items) {
    const std::string content = read_all(path_join(workdir, item.path));
    for (const Old& o : olds) {
      if (o.id.type == TypeCode::Adr && item.product_root != o.product_root) continue;
      auto hits = find_id_mentions(content, o.id);
      if (hits.empty()) continue;
      FieldTracker fields(content);
      // The tracker follows the frontmatter keys line by line.
      size_t pos = 0;
      int line_no = 1;
      size_t next_hit = 0;
      while (next_hit < hits.size() && pos <= content.size()) {
        size_t nl = content.find('\n', pos);
        size_t end = nl == std::string::npos ? content.size() : nl;
        std::string_view line(content.data() + pos, end - pos);
        std::string field = fields.field(line_no, line);
        if (hits[next_hit].first == line_no) {
          bool own_id = o.claimants.count(item.path) && line_no == fields.id_line();
          if (!own_id)
            plan.references.push_back({o.id.display(), item.path, line_no, field, shorten(hits[next_hit].second)});
          ++next_hit;
        }
        if (nl == std::string::npos) break;
        pos = nl + 1;
        ++line_no;
      }
    }
  }
  std::sort(plan.references.begin(), plan.references.end(), [](const RenumberRef& a, const RenumberRef& b) {
    if (a.id != b.id) return a.id < b.id;
    if (a.path != b.path) return a.path < b.path;
    return a.line < b.line;
  });
}

}  // namespace kg
