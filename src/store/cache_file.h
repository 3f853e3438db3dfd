// Opening one of the clone's cache databases, `<git common dir>/kabsd-guard/
// <name>`: the policy the caches share. A cache never fails a command, so
// every failure means "run without it", except a corrupt file, which is
// deleted and made afresh.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "store/sqlite.h"

namespace kg {

// True when KABSD_GUARD_NO_CACHE turns the caches off (any value but "" or "0").
bool caches_off();

// `open(path)` opens and prepares the database (it may throw StoreError).
// nullptr when the caches are off or it cannot be opened.
std::unique_ptr<Database> open_cache_file(const std::string& common_dir, const std::string& name,
                                          const std::function<std::unique_ptr<Database>(const std::string&)>& open);

}  // namespace kg
