#include "cli/check_run.h"

#include <iostream>

#include "cli/exit_codes.h"
#include "store/reservation.h"

namespace kg::cli {

namespace {

// The stored sequences, so that suggested IDs are above them too. Best
// effort: a missing or unreadable database suggests from the files alone.
Highest stored_values(Session& s, const Backlog& b) {
  Highest out;
  if (s.repo().is_bare() && s.globals().db.empty()) return out;
  for (const Product& p : b.config.products) {
    try {
      for (const auto& [key, v] : read_stored(s.db_path(p))) out[key] = std::max(out[key], v);
    } catch (const std::exception&) {
    }
  }
  return out;
}

}  // namespace

int run_comparison(Session& s, Comparison& c, bool strict, const RenderOptions& render,
                   std::ostream& os, bool color) {
  if (!c.now.has_backlog() && !(c.baseline && c.baseline->has_backlog())) {
    if (s.globals().json) os << report_json(CheckReport{}).dump(2) << "\n";
    return kOk;  // no kano backlog: nothing to guard
  }
  CheckOptions options;
  options.strict = strict;
  c.renames = remembered(std::move(c.renames));
  options.renames = c.renames;
  CheckReport report;
  bool has_dup = false;
  // Suggestions need the stored values only when there is something to fix.
  report = run_check(c.now, c.baseline ? &*c.baseline : nullptr, options);
  for (const CheckFinding& f : report.findings) has_dup |= f.kind == "duplicate-id";
  if (has_dup) {
    options.extra_highest = stored_values(s, c.now);
    if (c.in_use)
      for (const auto& [key, n] : *c.in_use) options.extra_highest[key] = std::max(options.extra_highest[key], n);
    report = run_check(c.now, c.baseline ? &*c.baseline : nullptr, options);
  }
  if (c.now_size) report.items_scanned = *c.now_size;
  if (s.globals().json) os << report_json(report).dump(2) << "\n";
  else print_report(os, report, s.out(), color, render);
  return report.errors() > 0 ? kFindings : kOk;
}

std::optional<Comparison> quick_comparison(Session& s, const SnapshotSpec& now, const std::optional<SnapshotSpec>& base,
                                           const RenderOptions& render) {
  Comparison c = compare(s.repo(), s.scan_options(), now, base, Engine::Quick);
  if (c.coverage == Coverage::Whole) return c;
  CheckOptions options;
  c.renames = remembered(std::move(c.renames));
  options.renames = c.renames;
  CheckReport r = run_check(c.now, c.baseline ? &*c.baseline : nullptr, options);
  if (r.errors() == 0) {
    print_report(std::cerr, r, s.out(), s.out().color_err(), render);
    return std::nullopt;
  }
  if (c.coverage == Coverage::Claimants) return c;
  return compare(s.repo(), s.scan_options(), now, base, Engine::Scan);
}

}  // namespace kg::cli
