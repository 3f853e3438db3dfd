// What one file claims (contract sections 2, 3 and 5), computed once where
// the item is made (make_item) and read by every consumer: the duplicate
// rule, the reservation floor, sync, renumber, the claim index and the
// report. A new claiming field goes here, into one table of the claim
// index (store/claims_index.h) and into the report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/id.h"

namespace kg {

// Where a file says an ID: its frontmatter `id`, or its file name.
enum class ClaimSource : uint8_t { Frontmatter = 0, FileName = 1 };

struct ClaimedId {
  ItemId id;
  ClaimSource source = ClaimSource::Frontmatter;
  friend bool operator==(const ClaimedId&, const ClaimedId&) = default;
};

// A sequence as the floor and sync key it: (prefix, type code). A decision's
// prefix is its product's ("@" + product root until the product is known).
using ClaimSequence = std::pair<std::string, std::string>;

struct Claims {
  // Every ID the file carries, frontmatter first, then file name (both, also
  // when equal). All of them count as "in use" for the reservation floor,
  // a document's file name too.
  std::vector<ClaimedId> ids;
  // The uid, trimmed and lower case; "" when the file has none.
  std::string uid;
  // A document (no frontmatter): it claims no ID for the duplicate rule.
  bool document = false;
  // The duplicate rule's key of claimed() (claim_key_of); "" when none.
  std::string key;

  // The ID the duplicate rule reads: the frontmatter's, else the file
  // name's; none for a document.
  const std::optional<ItemId>& claimed() const;
  const std::optional<ItemId>& frontmatter() const { return frontmatter_; }
  const std::optional<ItemId>& filename() const { return filename_; }
  // Identity (contract section 5): "uid:<uid>", or "path:<path>" without one.
  std::string identity(std::string_view path) const;
  // The sequences the non-decision IDs are numbered in, each once.
  std::vector<ClaimSequence> item_sequences() const;
  // Every (sequence, number) the file carries; a decision's sequence is
  // ("@" + product_root, "ADR") since its prefix is its product's.
  std::vector<std::pair<ClaimSequence, int64_t>> numbers(std::string_view product_root) const;
  // The prefix of claimed() when it is not a decision; "" otherwise (what a
  // product's prefix is resolved from).
  std::string claimed_prefix() const;

  friend bool operator==(const Claims&, const Claims&) = default;

 private:
  friend Claims claims_of(std::optional<ItemId>, std::optional<ItemId>, std::string_view, bool, std::string_view);
  std::optional<ItemId> frontmatter_, filename_;
};

// The claims of a file in `product_root` with these IDs and uid (as
// written; trimmed and lowered here).
Claims claims_of(std::optional<ItemId> frontmatter, std::optional<ItemId> filename, std::string_view uid,
                 bool document, std::string_view product_root);

// The claim key of an ID found in `product_root`: the display ID for items;
// ADR numbers are per product, so "<product_root>:ADR-0001".
std::string claim_key_of(const ItemId& id, std::string_view product_root);

}  // namespace kg
