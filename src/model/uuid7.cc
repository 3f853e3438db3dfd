#include "model/uuid7.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace kg {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool well_formed(std::string_view u) {
  if (u.size() != 36) return false;
  for (size_t i = 0; i < u.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? u[i] != '-' : hex_value(u[i]) < 0) return false;
  }
  return true;
}

}  // namespace

std::optional<int64_t> uuid7_millis(std::string_view u) {
  if (!is_uuid7(u)) return std::nullopt;
  int64_t ms = 0;
  for (size_t i = 0; i < 13; ++i) {
    if (u[i] == '-') continue;
    ms = ms * 16 + hex_value(u[i]);
  }
  return ms;
}

bool is_uuid7(std::string_view u) {
  if (!well_formed(u)) return false;
  if (u[14] != '7') return false;
  int variant = hex_value(u[19]);
  if ((variant & 0xC) != 0x8) return false;
  for (size_t i = 0; i < 13; ++i)
    if (u[i] != '0' && u[i] != '-') return true;
  return false;  // zero timestamp: a zero-filled placeholder, not a real uid
}

std::string uuid7_time_text(std::string_view uid) {
  auto ms = uuid7_millis(uid);
  if (!ms) return "";
  std::time_t secs = static_cast<std::time_t>(*ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string new_uuid7() {
  using namespace std::chrono;
  uint64_t ms = static_cast<uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  std::random_device rd;
  uint8_t b[16];
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  for (int i = 6; i < 16; i += 2) {
    unsigned r = rd();
    b[i] = static_cast<uint8_t>(r);
    b[i + 1] = static_cast<uint8_t>(r >> 8);
  }
  b[6] = static_cast<uint8_t>(0x70 | (b[6] & 0x0F));
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3F));
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace kg
