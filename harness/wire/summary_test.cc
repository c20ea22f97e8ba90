#include "harness/wire/summary.h"

#include <gtest/gtest.h>

namespace lwm2m::wire {
namespace {

TEST(WireSummary, HexDumpIsBoundedAndSaysTheSize) {
  EXPECT_EQ(HexDump({0x40, 0x01, 0xab}), "40 01 ab");
  EXPECT_EQ(HexDump({}), "");
  EXPECT_EQ(HexDump(Bytes(10, 0xff), 3), "ff ff ff ... (10 bytes)");
}

TEST(WireSummary, SummarizesCoapAndNamesWhatIsNotCoap) {
  // RFC 7252 §3: CON GET, MID 0x1234, no token, Uri-Path "3".
  const Bytes get = {0x40, 0x01, 0x12, 0x34, 0xb1, '3'};
  const std::string s = Summarize(Transport::kUdp, get);
  EXPECT_NE(s.find("GET"), std::string::npos) << s;
  EXPECT_NE(s.find("/3"), std::string::npos) << s;
  EXPECT_NE(s.find("(6 bytes)"), std::string::npos) << s;
  const std::string bad = Summarize(Transport::kUdp, {0x80, 0x01});
  EXPECT_EQ(bad.rfind("not CoAP:", 0), 0u) << bad;
  EXPECT_NE(bad.find("80 01"), std::string::npos) << bad;
}

}  // namespace
}  // namespace lwm2m::wire
