#include "check/allocate.h"

#include <algorithm>

#include "model/uuid7.h"
#include "store/reservation.h"

namespace kg {

Allocation allocate(const Repo& repo, const ScanOptions& scan, const AllocateRequest& r) {
  const std::string code(type_code(r.type));
  Highest highest = highest_everywhere(repo, scan);
  ReserveRequest req;
  req.journal_dir = repo.common_dir();
  req.db_path = r.db_path;
  req.prefix = r.product->prefix;
  req.type_code = code;
  req.count = r.count;
  auto it = highest.find({r.product->prefix, code});
  req.floor = std::max(r.at_least, it == highest.end() ? int64_t{0} : it->second);
  for (int i = 0; i < r.count; ++i) req.uids.push_back(new_uuid7());
  req.worktree = repo.is_bare() ? repo.git_dir() : repo.workdir();
  req.no_fallback = r.no_fallback;
  req.settle = r.settle;

  ReserveResult res = reserve(req);
  Allocation out;
  out.uids = std::move(req.uids);
  out.warnings = std::move(res.warnings);
  out.fallback = res.fallback;
  for (int64_t n = res.first; n <= res.last; ++n)
    out.ids.push_back(ItemId{r.type == TypeCode::Adr ? "" : r.product->prefix, r.type, n});
  return out;
}

}  // namespace kg
