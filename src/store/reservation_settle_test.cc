// ReserveRequest::settle: the range agreed elsewhere (a git remote) under
// the local locks.
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "store/journal.h"
#include "store/reservation.h"
#include "store/sequence_locks.h"
#include "store/store_test_support.h"

namespace kg {
namespace {

using store_test::TempDir;

ReserveRequest request_in(const TempDir& tmp) {
  ReserveRequest r;
  r.journal_dir = tmp / "git";
  r.db_path = tmp / "cache/backlog.kabsd.chunks.v1.db";
  r.prefix = "KABSD";
  r.type_code = "TSK";
  r.worktree = tmp.path().string();
  return r;
}

TEST(ReservationSettle, HandsOutWhatTheCallbackSettledOnAndRaisesBothFiles) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.floor = 4;
  r.count = 2;
  int64_t seen = -1;
  r.settle = [&](int64_t highest) {
    seen = highest;
    return int64_t{20};  // the remote was further along
  };
  ReserveResult got = reserve(r);
  EXPECT_EQ(seen, 4);
  EXPECT_EQ(got.first, 20);
  EXPECT_EQ(got.last, 21);
  EXPECT_EQ(read_stored(r.db_path).at({"KABSD", "TSK"}), 21);
  EXPECT_EQ(peek_journal(journal_path(r.journal_dir), "KABSD", "TSK"), 21);
  r.settle = nullptr;
  r.count = 1;
  EXPECT_EQ(reserve(r).first, 22);  // a local reservation stays above it
}

TEST(ReservationSettle, WhatItThrowsLeavesNothingReserved) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  EXPECT_EQ(reserve(r).first, 1);
  r.settle = [](int64_t) -> int64_t { throw std::runtime_error("the remote refused"); };
  EXPECT_THROW(reserve(r), std::runtime_error);
  EXPECT_EQ(read_stored(r.db_path).at({"KABSD", "TSK"}), 1);
  EXPECT_EQ(peek_journal(journal_path(r.journal_dir), "KABSD", "TSK"), 1);
}

TEST(ReservationSettle, ANumberNotAboveTheLocalHighestIsRefused) {
  TempDir tmp;
  ReserveRequest r = request_in(tmp);
  r.floor = 9;
  r.settle = [](int64_t highest) { return highest; };
  EXPECT_THROW(reserve(r), OutOfNumbers);
  EXPECT_EQ(read_stored(r.db_path).count({"KABSD", "TSK"}), 0u);
}

}  // namespace
}  // namespace kg
