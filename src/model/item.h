// One item or decision file as the scan sees it: its IDs, its identity, and
// the warnings it carries (contract sections 2, 5 and 7).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/claims.h"
#include "model/finding.h"
#include "model/frontmatter_limits.h"
#include "model/id.h"

namespace kg {

// Frontmatter sits at the top: a file larger than this is read only this far
// (the largest frontmatter read, its fences and some slack).
inline constexpr size_t kMaxFrontmatterRead = kMaxFrontmatterBytes + (size_t{64} << 10);

struct Item {
  std::string path;          // repository-relative
  std::string product_root;  // repository-relative product root holding it
  bool adr = false;
  // The file's IDs as read (for findings and messages). What the file
  // claims is `claims`, computed from them once by make_item.
  std::optional<ItemId> filename_id;
  std::optional<ItemId> id;  // the frontmatter id: the item's real ID
  std::string uid;           // as written; empty when missing
  bool uid_valid = false;    // a well-formed UUIDv7
  bool parsed = false;       // frontmatter parsed
  // A document, not an item: the file does not start with a `---` line
  // (contract section 3). It claims no ID; its filename number still counts
  // as in use.
  bool document = false;
  // The file could not be read by any engine (a partial clone offline, a
  // damaged object): only its file name is known, and its claim is that
  // name's ID. A check must not pass over it (check/check.h).
  bool unreadable = false;
  std::vector<Finding> findings;
  // What the file claims (model/claims.h): every consumer reads this.
  Claims claims;

  // The ID this file claims: its frontmatter id, else its filename's ID;
  // none for a document.
  const std::optional<ItemId>& claimed_id() const { return claims.claimed(); }
  // Duplicate key of the claimed ID (claim_key_of). Empty when none.
  const std::string& claim_key() const { return claims.key; }
  // Identity (contract section 5): the uid, or for a file without one, its
  // path.
  std::string identity() const { return claims.identity(path); }
};

// What a file's bytes say about it, independent of where the file sits:
// the part of reading an item that is worth caching by blob id.
struct FileFacts {
  bool parsed = false;       // the frontmatter parsed as a YAML mapping
  std::string error;         // why not, when !parsed
  int error_line = 0;
  bool has_id_key = false;
  std::optional<std::string> id;  // the raw `id` value; nullopt when null/absent
  int id_line = 0;
  std::optional<std::string> uid;  // the raw `uid` value
  bool document = false;           // no frontmatter at all: not an item
  std::string ambiguity;           // Frontmatter::ambiguity: "" when none
  int ambiguity_line = 0;
  // A limit the frontmatter exceeds (frontmatter_limits.h), "" when none.
  // Not parsed then, but id and uid are from a line scan; or parsed, with
  // the references left unread.
  std::string limit;
  int limit_line = 0;
  // Whether id and uid say what the file claims: parsed, or scanned.
  bool claims_known() const { return parsed || !limit.empty(); }

  friend bool operator==(const FileFacts&, const FileFacts&) = default;
};

FileFacts facts_of(std::string_view content);

// Builds the item a file at `path` with these facts is. Adds the warnings
// not-an-item (a document), frontmatter-limit, missing-id, invalid-id,
// missing-uid, invalid-uid, unparseable-frontmatter (with line),
// ambiguous-key and id-filename-mismatch. Never throws.
Item make_item(std::string path, std::string product_root, bool adr, const FileFacts& facts);

// make_item(facts_of(content)): reads one file (or blob).
Item read_item(std::string path, std::string product_root, bool adr, std::string_view content);

// Computes item.claims from the fields read (id, filename_id, uid, document,
// product_root). make_item does; an item assembled by hand (a test) must.
void settle_claims(Item& item);

// A file no engine could read (Item::unreadable): it claims its file name's
// ID and carries the finding `unreadable` with `why`.
Item unreadable_item(std::string path, std::string product_root, bool adr, std::string why);

}  // namespace kg
