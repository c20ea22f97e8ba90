// diagnostic_test.cc: diagnostics and statuses render the place, the fact and the rule.
#include "lwm2m/diagnostic.h"

#include <gtest/gtest.h>

#include "lwm2m/result.h"

namespace lwm2m {
namespace {

TEST(Diagnostic, ToStringNamesOffsetPathAndRule) {
  Diagnostics d;
  d.Error(5, "/3/0/1", "TLV length 12 runs 7 bytes past the end", "Core TS 1.2 §7.4.3");
  d.Warning(std::nullopt, "", "odd but legal");
  EXPECT_TRUE(d.HasErrors());
  EXPECT_EQ(d.list()[0].ToString(),
            "error at offset 5 (/3/0/1): TLV length 12 runs 7 bytes past the end [Core TS 1.2 §7.4.3]");
  EXPECT_EQ(d.list()[1].ToString(), "warning: odd but legal");
  Diagnostics w;
  w.Info(0, "", "x");
  EXPECT_FALSE(w.HasErrors());
}

TEST(Status, CarriesCoapCode) {
  Status s = NotFound("no /5/0");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "4.04 Not Found: no /5/0");
  EXPECT_EQ(CoapCodeString(0x45), "2.05");
  EXPECT_EQ(CoapCodeString(0x8C), "4.12");
  Result<int> r = 3;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(*r, 3);
  Result<int> e = BadRequest("x");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kBadRequest);
}

}  // namespace
}  // namespace lwm2m
