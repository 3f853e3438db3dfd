#include "store/cache_file.h"

#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace kg {

bool caches_off() {
  const char* off = std::getenv("KABSD_GUARD_NO_CACHE");
  return off && *off && std::string_view(off) != "0";
}

std::unique_ptr<Database> open_cache_file(const std::string& common_dir, const std::string& name,
                                          const std::function<std::unique_ptr<Database>(const std::string&)>& open) {
  if (caches_off()) return nullptr;
  namespace fs = std::filesystem;
  fs::path dir = fs::path(common_dir) / "kabsd-guard";
  std::string path = (dir / name).string();
  std::error_code ec;
  fs::create_directories(dir, ec);
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      return open(path);
    } catch (const StoreError& e) {
      if (!is_corrupt(e.code())) return nullptr;  // read-only, locked...: run without
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
    }
  }
  return nullptr;
}

}  // namespace kg
