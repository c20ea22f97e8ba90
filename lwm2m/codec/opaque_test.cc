// opaque_test.cc: application/octet-stream (Core TS 1.2 §7.4.2).
#include "lwm2m/codec/opaque.h"

#include <gtest/gtest.h>

#include <random>

#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using namespace codec_test;

// Firmware Update /5/0/0 Package (Opaque) and /5/0/1 Package URI (String) are
// the real object 5 of TestModels(); no shipped object has a Multiple Opaque
// resource, so those cases use /30000/0/13 (a test object, Opaque, Multiple).

const Codec& Opq() { return CodecOf<MakeOpaqueCodec>(); }

TEST(OpaqueCodec, PassesRawBytesBothWays) {
  const Bytes fw = {0x00, 0xff, 0x10, 0x0a, 0x0d, 0x80};
  DecodeResult r = Opq().Decode(fw, {.request_path = P("/5/0/0"), .models = &TestModels()});
  EXPECT_TRUE(r.diagnostics.empty());
  ASSERT_EQ(r.content.records.size(), 1u);
  EXPECT_EQ(r.content.records[0].path, P("/5/0/0"));
  EXPECT_EQ(r.content.records[0].value, Value::Opaque(fw));
  Content c{.records = r.content.records};
  EXPECT_EQ(*Opq().Encode(c, {.request_path = P("/5/0/0"), .models = &TestModels()}), fw);
  // A resource instance of a multiple Opaque resource, and an empty payload.
  r = Opq().Decode({}, {.request_path = P("/30000/0/13/2"), .models = &TestModels()});
  EXPECT_TRUE(r.diagnostics.empty());
  EXPECT_EQ(r.content.records[0].value, Value::Opaque({}));
}

TEST(OpaqueCodec, ReportsErrors) {
  const Bytes b = {1, 2};
  DecodeResult r = Opq().Decode(b, {.request_path = P("/5/0/1"), .models = &TestModels()});
  ASSERT_TRUE(r.HasErrors());
  EXPECT_NE(r.diagnostics[0].message.find("/5/0/1 is String"), std::string::npos) << r.diagnostics[0].ToString();
  r = Opq().Decode(b, {.request_path = P("/5/0"), .models = &TestModels()});
  EXPECT_TRUE(r.HasErrors());
  EXPECT_TRUE(r.content.records.empty());
  r = Opq().Decode(b, {.request_path = P("/30000/0/13"), .models = &TestModels()});
  EXPECT_TRUE(r.HasErrors());  // Multiple Resource
  r = Opq().Decode(b, {.request_path = P("/5/0/77"), .models = &TestModels()});
  EXPECT_FALSE(r.HasErrors());  // no model: kept as Opaque with an info
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kInfo);
  EXPECT_EQ(r.content.records[0].value, Value::Opaque(b));

  Content c{.records = {{P("/5/0/1"), Value::String("x"), std::nullopt}}};
  EXPECT_EQ(Opq().Encode(c, {.request_path = P("/5/0/1"), .models = &TestModels()}).status().code(),
            StatusCode::kNotAcceptable);
  c.records = {{P("/5/0/1"), Value::Opaque({1}), std::nullopt}};
  EXPECT_EQ(Opq().Encode(c, {.request_path = P("/5/0/1"), .models = &TestModels()}).status().code(),
            StatusCode::kNotAcceptable);  // the model says String
  c.records = {{P("/5/0/0"), Value::Opaque({1}), std::nullopt}, {P("/5/0/0"), Value::Opaque({2}), std::nullopt}};
  EXPECT_EQ(Opq().Encode(c, {.request_path = P("/5/0/0"), .models = &TestModels()}).status().code(),
            StatusCode::kNotAcceptable);
}

TEST(OpaqueCodec, RoundTripsRandomBytes) {
  std::mt19937 rng(5);
  for (int i = 0; i < 500; ++i) {
    Bytes b(rng() % 2000);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    DecodeResult r = Opq().Decode(b, {.request_path = P("/5/0/0"), .models = &TestModels()});
    ASSERT_TRUE(r.diagnostics.empty());
    Content c{.records = r.content.records};
    EXPECT_EQ(*Opq().Encode(c, {.request_path = P("/5/0/0"), .models = &TestModels()}), b);
  }
}

}  // namespace
}  // namespace lwm2m
