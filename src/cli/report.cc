#include "cli/report.h"

#include "util/strings.h"

namespace kg::cli {

namespace {

std::string paint(bool color, std::string_view text, const char* sgr) {
  if (!color) return std::string(text);
  return std::string("\033[") + sgr + "m" + std::string(text) + "\033[0m";
}

void print_duplicate(std::ostream& os, const CheckFinding& f, bool color) {
  bool err = f.severity == Severity::Error;
  std::string head = err ? paint(color, "error:", "1;31") : paint(color, "warning:", "1;33");
  if (f.kind == "duplicate-id") {
    os << head << " duplicate ID " << paint(color, f.id, "1") << " "
       << (f.introduced ? "introduced" : "already present") << ": " << f.items.size()
       << " items claim it\n";
  } else {
    os << head << " duplicate uid " << paint(color, quote_path(f.uid), "1") << " "
       << (f.introduced ? "introduced" : "already present") << ": " << f.items.size()
       << " files carry it (a copied file?)\n";
  }
  for (const Claimant& c : f.items) {
    os << "  " << quote_path(c.path) << "\n      uid " << (c.uid.empty() ? "(none)" : quote_path(c.uid));
    if (!c.created.empty()) os << "  created " << c.created;
    if (f.kind == "duplicate-id") os << (c.keeper ? "  (oldest: keeps the ID)" : "  (newer)");
    os << "\n";
  }
  if (f.kind == "duplicate-id") {
    size_t k = 0;
    for (const Claimant& c : f.items) {
      if (c.keeper) continue;
      os << "  fix: " << paint(color, "kabsd-guard renumber " + shell_quote(c.path), "1");
      if (k < f.suggested_ids.size()) os << "   (next free ID: " << f.suggested_ids[k] << ")";
      os << "\n";
      ++k;
    }
  } else {
    os << "  fix: give each copy its own uid, or delete the copy\n";
  }
}

void print_file_finding(std::ostream& os, const CheckFinding& f, bool color) {
  std::string head = f.severity == Severity::Error ? paint(color, "error:", "1;31")
                                                   : paint(color, "warning:", "1;33");
  os << head << " " << quote_path(f.items.front().path);
  if (f.line > 0) os << ":" << f.line;
  os << ": " << f.kind << ": " << escape_controls(f.message) << "\n";
}

bool is_duplicate(const CheckFinding& f) { return f.kind == "duplicate-id" || f.kind == "duplicate-uid"; }

}  // namespace

void print_report(std::ostream& os, const CheckReport& report, const Output& out, bool color,
                  const RenderOptions& options) {
  for (const CheckFinding& f : report.findings) {
    // A hook shows what this change brings, not what was there before.
    if (options.hook && f.severity == Severity::Warning && !f.introduced) continue;
    if (out.quiet() && f.severity == Severity::Warning) continue;
    if (is_duplicate(f)) print_duplicate(os, f, color);
    else print_file_finding(os, f, color);
  }
  int errors = report.errors();
  if (errors > 0 && !options.refused.empty()) {
    os << "\nkabsd-guard: " << paint(color, options.refused + " refused", "1;31") << ": it would introduce "
       << errors << " duplicate(s). Fix them with the commands above, then try again.\n";
    if (!options.bypass.empty()) os << "To skip the guard once (not recommended): " << options.bypass << "\n";
  } else if (!options.hook && !out.quiet()) {
    os << "kabsd-guard: " << errors << " error(s), " << report.warnings() << " warning(s) in "
       << report.items_scanned << " item(s)\n";
  }
}

nlohmann::ordered_json report_json(const CheckReport& report) {
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const CheckFinding& f : report.findings) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const Claimant& c : f.items) {
      nlohmann::ordered_json item = {{"path", c.path},
                             {"uid", c.uid.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(c.uid)},
                             {"filename_id", c.filename_id.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(c.filename_id)}};
      if (is_duplicate(f)) {
        item["created"] = c.created.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(c.created);
        item["keeper"] = c.keeper;
      }
      items.push_back(std::move(item));
    }
    nlohmann::ordered_json j = {{"kind", f.kind},
                        {"severity", f.severity == Severity::Error ? "error" : "warning"},
                        {"introduced", f.introduced},
                        {"id", f.id.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(f.id)},
                        {"uid", f.uid.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(f.uid)},
                        {"items", items},
                        {"suggested_id", f.suggested_ids.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(f.suggested_ids.front())}};
    if (f.suggested_ids.size() > 1) j["suggested_ids"] = f.suggested_ids;
    if (!f.message.empty()) j["message"] = f.message;
    if (f.line > 0) j["line"] = f.line;
    findings.push_back(std::move(j));
  }
  return {{"version", 1},
          {"findings", findings},
          {"summary", {{"errors", report.errors()}, {"warnings", report.warnings()}, {"items_scanned", report.items_scanned}}}};
}

}  // namespace kg::cli
