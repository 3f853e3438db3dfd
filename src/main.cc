// kabsd-guard: keeps the IDs of file-based backlogs unique.
#include "cli/app.h"

// Under LeakSanitizer (the KG_SANITIZE build): libgit2 1.5.1's regex
// matching with pcre2 (git_regexp_match) does not free its match data when
// a string does not match, and git_repository_open_ext matches every config
// entry against "^extensions\." in any repository with
// core.repositoryformatversion = 1 (a partial clone, a sha256 repository).
// Not ours to fix; what pcre2 allocates is suppressed (kabsd-guard does not
// use pcre2 itself). Unused otherwise.
extern "C" const char* __lsan_default_suppressions() { return "leak:libpcre2-8.so\n"; }

int main(int argc, char** argv) { return kg::cli::run(argc, argv); }
