// Process exit codes; documented in docs/exit-codes.md.
#pragma once

namespace kg::cli {

enum ExitCode : int {
  kOk = 0,           // success; for check: nothing blocks
  kFindings = 1,     // check: an error finding; status --check: not all OK
  kUsage = 2,        // usage or input error (bad option, unknown type/product, not a repository)
  kEnvironment = 3,  // the database, journal or repository cannot be read or written
  kInternal = 70,    // a bug in kabsd-guard (EX_SOFTWARE)
};

}  // namespace kg::cli
