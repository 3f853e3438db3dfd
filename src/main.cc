// kabsd-guard: keeps the IDs of file-based backlogs unique.
#include "cli/app.h"

int main(int argc, char** argv) { return kg::cli::run(argc, argv); }
