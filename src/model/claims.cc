#include "model/claims.h"

#include <algorithm>

#include "util/strings.h"

namespace kg {

std::string claim_key_of(const ItemId& id, std::string_view product_root) {
  if (id.type == TypeCode::Adr) return std::string(product_root) + ":" + id.display();
  return id.display();
}

Claims claims_of(std::optional<ItemId> frontmatter, std::optional<ItemId> filename, std::string_view uid,
                 bool document, std::string_view product_root) {
  Claims c;
  if (frontmatter) c.ids.push_back({*frontmatter, ClaimSource::Frontmatter});
  if (filename) c.ids.push_back({*filename, ClaimSource::FileName});
  c.uid = to_lower(trim(uid));
  c.document = document;
  c.frontmatter_ = std::move(frontmatter);
  c.filename_ = std::move(filename);
  if (auto id = c.claimed()) c.key = claim_key_of(*id, product_root);
  return c;
}

const std::optional<ItemId>& Claims::claimed() const {
  static const std::optional<ItemId> none;
  if (document) return none;
  return frontmatter_ ? frontmatter_ : filename_;
}

std::string Claims::identity(std::string_view path) const {
  if (!uid.empty()) return "uid:" + uid;
  return "path:" + std::string(path);
}

std::vector<ClaimSequence> Claims::item_sequences() const {
  std::vector<ClaimSequence> out;
  for (const ClaimedId& c : ids) {
    if (c.id.type == TypeCode::Adr) continue;
    ClaimSequence s{c.id.prefix, std::string(type_code(c.id.type))};
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::pair<ClaimSequence, int64_t>> Claims::numbers(std::string_view product_root) const {
  std::vector<std::pair<ClaimSequence, int64_t>> out;
  for (const ClaimedId& c : ids) {
    if (c.id.type == TypeCode::Adr) out.push_back({{"@" + std::string(product_root), "ADR"}, c.id.number});
    else out.push_back({{c.id.prefix, std::string(type_code(c.id.type))}, c.id.number});
  }
  return out;
}

std::string Claims::claimed_prefix() const {
  const auto& id = claimed();
  return id && id->type != TypeCode::Adr ? id->prefix : std::string();
}

}  // namespace kg
