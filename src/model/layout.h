// Where items and decisions live under a product root (contract section 1).
#pragma once

#include <string>
#include <string_view>

#include "model/id.h"

namespace kg {

enum class Entry { None, Item, Adr };

// Classifies a path relative to a product root: `.md` files anywhere below
// `items/` are items, below `decisions/` are decisions; README.md (any case),
// `*.index.md` and anything inside an excluded folder (_trash, sandboxes,
// views, artifacts, _meta, topics, worksets, .cache) are not.
Entry classify(std::string_view rel);
// True for a folder name that the scan never enters.
bool is_excluded_dir(std::string_view name);
// Relative to the product root: "items/task/0300/KABSD-TSK-0302_fix-it.md"
// or "decisions/ADR-0004_use-sqlite.md".
std::string item_relpath(const ItemId& id, std::string_view slug);
// Lower-case ASCII words joined by '-', at most 80 bytes: "Fix: it!" -> "fix-it".
std::string slugify(std::string_view title);
// "KABSD-TSK-0302_fix-it.md" -> "fix-it"; "" when the name has no '_'.
std::string slug_of(std::string_view filename);

// The folders the scan always covers besides configured roots.
inline constexpr std::string_view kProductsDir = "_kano/backlog/products";
inline constexpr std::string_view kLegacyRoot = "_kano/backlog";

}  // namespace kg
