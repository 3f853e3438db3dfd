#include "git/engines.h"

#include <algorithm>
#include <mutex>

namespace kg {

namespace {

// The process's log of fallbacks: one per process by nature (what answered
// this run), kept behind these two functions.
struct EngineLog {
  std::mutex mutex;
  std::vector<std::string> notes;
};

EngineLog& log() {
  static EngineLog instance;
  return instance;
}

}  // namespace

void note_engine(const std::string& note) {
  EngineLog& l = log();
  std::lock_guard lock(l.mutex);
  if (std::find(l.notes.begin(), l.notes.end(), note) == l.notes.end() && l.notes.size() < 1000)
    l.notes.push_back(note);
}

std::vector<std::string> engine_notes() {
  EngineLog& l = log();
  std::lock_guard lock(l.mutex);
  return l.notes;
}

}  // namespace kg
