#include "util/handoff.h"

#include <gtest/gtest.h>

#include <thread>

namespace kg {
namespace {

TEST(Handoff, DeliversEveryBatchInOrderThenEnds) {
  Handoff<int> handoff(2);  // smaller than what is sent: the producer waits
  std::vector<int> got;
  std::thread consumer([&] {
    while (auto batch = handoff.pop()) got.insert(got.end(), batch->begin(), batch->end());
  });
  for (int b = 0; b < 100; ++b) EXPECT_TRUE(handoff.push({3 * b, 3 * b + 1, 3 * b + 2}));
  handoff.close();
  consumer.join();
  ASSERT_EQ(got.size(), 300u);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(got[i], i);
}

TEST(Handoff, AStoppedConsumerReleasesAWaitingProducer) {
  Handoff<int> handoff(1);
  EXPECT_TRUE(handoff.push({1}));
  std::thread consumer([&] { handoff.stop(); });  // gives up without reading
  EXPECT_FALSE(handoff.push({2}));                // would block forever if not released
  consumer.join();
  EXPECT_FALSE(handoff.push({3}));
}

TEST(Handoff, PopAfterCloseDrainsWhatWasQueued) {
  Handoff<int> handoff(4);
  EXPECT_TRUE(handoff.push({1, 2}));
  handoff.close();
  auto batch = handoff.pop();
  ASSERT_TRUE(batch);
  EXPECT_EQ(*batch, (std::vector<int>{1, 2}));
  EXPECT_FALSE(handoff.pop());
}

}  // namespace
}  // namespace kg
