#include "lwm2m/suggest.h"

#include <gtest/gtest.h>

namespace lwm2m {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsSubstitutionsAndSwaps) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("expect", "expect"), 0u);
  EXPECT_EQ(EditDistance("exepct", "expect"), 1u);   // neighbours swapped
  EXPECT_EQ(EditDistance("dtsl", "dtls"), 1u);
  EXPECT_EQ(EditDistance("ab", "ba"), 1u);
  EXPECT_EQ(EditDistance("ca", "abc"), 3u);          // OSA, not full Damerau (which gives 2)
  EXPECT_EQ(EditDistance("lifetim", "lifetime"), 1u);
  EXPECT_EQ(EditDistance("lifetime", "lifetim"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);  // the textbook example
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

}  // namespace
}  // namespace lwm2m
