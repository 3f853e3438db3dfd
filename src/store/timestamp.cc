#include "store/timestamp.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace kg {

namespace {

struct Now {
  std::tm tm{};
  int millis = 0;
};

Now now_utc() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  Now out;
  gmtime_r(&secs, &out.tm);
  out.millis = static_cast<int>(ms % 1000);
  return out;
}

}  // namespace

std::string utc_now_iso() {
  Now n = now_utc();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", n.tm.tm_year + 1900, n.tm.tm_mon + 1,
                n.tm.tm_mday, n.tm.tm_hour, n.tm.tm_min, n.tm.tm_sec, n.millis);
  return buf;
}

std::string utc_now_compact() {
  Now n = now_utc();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", n.tm.tm_year + 1900, n.tm.tm_mon + 1,
                n.tm.tm_mday, n.tm.tm_hour, n.tm.tm_min, n.tm.tm_sec);
  return buf;
}

}  // namespace kg
