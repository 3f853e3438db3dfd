#include "model/item.h"

#include "model/frontmatter.h"
#include "model/uuid7.h"
#include "util/strings.h"

namespace kg {

namespace {

std::string_view basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string describe_bad_uid(std::string_view uid) {
  if (uid.size() == 36 && uid[14] == '4') return "a version-4 UUID, not a UUIDv7";
  if (uid.find_first_not_of("0-") == std::string_view::npos) return "a zero-filled placeholder";
  if (uid.size() == 36 && to_lower(uid) == uid) return "not a UUIDv7 (wrong version or variant)";
  return "not a lower-case 8-4-4-4-12 hex UUIDv7";
}

void warn(Item& item, const char* kind, int line, std::string message) {
  item.findings.push_back({kind, Severity::Warning, item.path, line, std::move(message)});
}

}  // namespace

void settle_claims(Item& item) {
  item.claims = claims_of(item.id, item.filename_id, item.uid, item.document, item.product_root);
}

FileFacts facts_of(std::string_view content) {
  Frontmatter fm = parse_frontmatter(content);
  FileFacts f;
  f.parsed = fm.status == Frontmatter::Status::Ok;
  f.document = fm.status == Frontmatter::Status::Missing;
  if (fm.status == Frontmatter::Status::Limit) {
    f.limit = std::move(fm.error);
    f.limit_line = fm.error_line;
  } else if (!f.parsed) {
    f.error = fm.error;
    f.error_line = fm.error_line;
    return f;
  } else if (!fm.limit.empty()) {
    f.limit = std::move(fm.limit);
  }
  f.has_id_key = fm.has_id_key;
  f.id = std::move(fm.id);
  f.id_line = fm.id_line;
  f.uid = std::move(fm.uid);
  f.ambiguity = std::move(fm.ambiguity);
  f.ambiguity_line = fm.ambiguity_line;
  return f;
}

namespace {

// make_item without the claims.
Item read_facts(std::string path, std::string product_root, bool adr, const FileFacts& facts) {
  Item item;
  item.path = std::move(path);
  item.product_root = std::move(product_root);
  item.adr = adr;
  item.filename_id = parse_filename_id(basename(item.path));

  if (facts.document) {
    item.document = true;
    std::string why = "the file does not start with a '---' line: a document without frontmatter, which claims no ID";
    if (item.filename_id)
      why += ", though its name starts with " + item.filename_id->display() +
             "; rename it so that its name does not start with an ID, or move it under an artifacts/ folder";
    else
      why += "; move it under an artifacts/ folder, or add a frontmatter if it is meant to be an item";
    warn(item, "not-an-item", 0, std::move(why));
    return item;
  }
  if (!facts.claims_known()) {
    warn(item, "unparseable-frontmatter", facts.error_line, "cannot read the frontmatter: " + facts.error);
    return item;
  }
  item.parsed = facts.parsed;
  if (!facts.limit.empty())
    warn(item, "frontmatter-limit", facts.limit_line,
         facts.limit + (facts.parsed ? "" : "; its id and uid are read from its top-level lines"));

  if (facts.id) {
    item.id = parse_id(*facts.id);
    if (!item.id)
      warn(item, "invalid-id", facts.id_line,
           "id '" + *facts.id + "' is not an ID like PREFIX-TSK-0001 or ADR-0001");
  } else {
    warn(item, "missing-id", facts.id_line,
         facts.has_id_key ? "id is null or not a plain value" : "the frontmatter has no id");
  }

  if (!facts.ambiguity.empty()) warn(item, "ambiguous-key", facts.ambiguity_line, facts.ambiguity);

  if (!facts.uid || trim(*facts.uid).empty()) {
    warn(item, "missing-uid", 0, "the frontmatter has no uid");
  } else {
    item.uid = std::string(trim(*facts.uid));
    item.uid_valid = is_uuid7(item.uid);
    if (!item.uid_valid)
      warn(item, "invalid-uid", 0, "uid '" + item.uid + "' is " + describe_bad_uid(item.uid));
  }

  if (item.id && item.filename_id && !(*item.id == *item.filename_id)) {
    warn(item, "id-filename-mismatch", facts.id_line,
         "the frontmatter id " + item.id->display() + " differs from the filename's " +
             item.filename_id->display());
  } else if (item.id && !item.filename_id) {
    warn(item, "id-filename-mismatch", facts.id_line,
         "the filename carries no ID (expected " + item.id->display() + "_<slug>.md)");
  }
  return item;
}

}  // namespace

Item make_item(std::string path, std::string product_root, bool adr, const FileFacts& facts) {
  Item item = read_facts(std::move(path), std::move(product_root), adr, facts);
  settle_claims(item);
  return item;
}

Item unreadable_item(std::string path, std::string product_root, bool adr, std::string why) {
  Item item;
  item.path = std::move(path);
  item.product_root = std::move(product_root);
  item.adr = adr;
  item.filename_id = parse_filename_id(basename(item.path));
  item.unreadable = true;
  item.findings.push_back({"unreadable", Severity::Warning, item.path, 0, std::move(why)});
  settle_claims(item);
  return item;
}

Item read_item(std::string path, std::string product_root, bool adr, std::string_view content) {
  return make_item(std::move(path), std::move(product_root), adr, facts_of(content));
}

}  // namespace kg
