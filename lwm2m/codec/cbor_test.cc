// cbor_test.cc: application/cbor single values (Core TS 1.2 §7.4.6). Value
// vectors from Zephyr tests/net/lib/lwm2m/content_raw_cbor/src/main.c
// (collected in fiumaralabs/lwm2m spec/vectors/cbor.json) and RFC 8949 Appendix A.
#include "lwm2m/codec/cbor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using namespace codec_test;  // object 9000 of TestModels() has a resource of every data type

const Codec& Cbor() { return CodecOf<MakeCborCodec>(); }

DecodeResult Decode(std::string_view hex, std::string_view path, const ModelRegistry* m = &TestModels()) {
  return DecodeAt(Cbor(), H(hex), path, m);
}

Result<Bytes> Encode(Value v, std::string_view path) {
  Content c{.records = {{P(path), std::move(v), std::nullopt}}};
  return Cbor().Encode(c, {.request_path = P(path), .models = &TestModels()});
}

TEST(CborCodec, DecodesAndEncodesKnownValues) {
  struct {
    const char* path;
    const char* hex;
    Value v;
  } cases[] = {
      {"/9000/0/1", "01", Value::Integer(1)},
      {"/9000/0/1", "20", Value::Integer(-1)},
      {"/9000/0/1", "187f", Value::Integer(127)},
      {"/9000/0/1", "387f", Value::Integer(-128)},
      {"/9000/0/1", "197fff", Value::Integer(32767)},
      {"/9000/0/1", "397fff", Value::Integer(-32768)},
      {"/9000/0/1", "1a7fffffff", Value::Integer(2147483647)},
      {"/9000/0/1", "3a7fffffff", Value::Integer(INT32_MIN)},
      {"/9000/0/1", "1b7fffffffffffffff", Value::Integer(INT64_MAX)},
      {"/9000/0/1", "3b7fffffffffffffff", Value::Integer(INT64_MIN)},
      {"/9000/0/3", "fb3fbf7ced916872b0", Value::Float(0.123)},
      {"/9000/0/3", "fbbfef95810624dd2f", Value::Float(-0.987)},
      {"/9000/0/3", "f94200", Value::Float(3.0)},
      {"/9000/0/0", "6b746573745f737472696e67", Value::String("test_string")},
      {"/9000/0/0", "7820746573745f737472696e675f746861745f69735f615f6269745f6c6f6e676572",
       Value::String("test_string_that_is_a_bit_longer")},
      {"/9000/0/4", "f5", Value::Boolean(true)},
      {"/9000/0/4", "f4", Value::Boolean(false)},
      {"/9000/0/5", "4b746573745f6f7061717565", Value::Opaque(H("746573745f6f7061717565"))},
      {"/9000/0/7", "63313a32", Value::ObjectLink({1, 2})},
      {"/9000/0/6", "1a5182428f", Value::Time(1367491215)},
      {"/9000/0/2", "1bffffffffffffffff", Value::UnsignedInteger(UINT64_MAX)},
      {"/9000/0/8", "663c2f332f303e", Value::Corelnk("</3/0>")},
      {"/9000/0/9/1", "05", Value::Integer(5)},
  };
  for (const auto& c : cases) {
    DecodeResult r = Decode(c.hex, c.path);
    EXPECT_TRUE(r.diagnostics.empty()) << c.hex << "\n" << DumpResult(r);
    ASSERT_EQ(r.content.records.size(), 1u) << c.hex;
    EXPECT_EQ(r.content.records[0].value, c.v) << c.hex;
    auto b = Encode(c.v, c.path);
    ASSERT_TRUE(b) << b.status().ToString();
    EXPECT_EQ(HexEncode(*b), c.hex);
  }
  // Zephyr writes every float as a double; accepted, with an info naming the preferred form.
  DecodeResult r = Decode("fb4008000000000000", "/9000/0/3");
  EXPECT_FALSE(r.HasErrors());
  EXPECT_EQ(r.content.records[0].value, Value::Float(3.0));
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].message.find("preferred is f94200"), std::string::npos);
  // Time may come tagged as epoch-based date/time (tag 1, RFC 8949 §3.4.2).
  r = Decode("c11a5182428f", "/9000/0/6");
  EXPECT_TRUE(r.diagnostics.empty()) << DumpResult(r);
  EXPECT_EQ(r.content.records[0].value, Value::Time(1367491215));
}

TEST(CborCodec, ReportsErrors) {
  struct {
    const char* name;
    const char* path;
    const char* hex;
    const char* words;
  } cases[] = {
      {"map", "/9000/0/1", "a10102", "not a map (1 pairs)"},
      {"array", "/9000/0/1", "820102", "not a array (2 items)"},
      {"text for integer", "/9000/0/1", "6131", "is Integer but the item is text string (1 bytes)"},
      {"float for integer", "/9000/0/1", "f93e00", "float 1.5"},
      {"negative for unsigned", "/9000/0/2", "20", "negative integer -1"},
      {"integer for boolean", "/9000/0/4", "01", "unsigned integer 1"},
      {"bytes for string", "/9000/0/0", "4161", "byte string"},
      {"text for opaque", "/9000/0/5", "6161", "text string"},
      {"bad objlnk", "/9000/0/7", "6133", "oid:iid"},
      {"integer out of range", "/9000/0/1", "1b8000000000000000", "out of the Integer range"},
      {"trailing bytes", "/9000/0/1", "0101", "1 trailing byte(s)"},
      {"truncated", "/9000/0/1", "19", "truncated head"},
      {"empty payload", "/9000/0/1", "", "empty payload"},
      {"reserved additional info", "/9000/0/1", "1c", "reserved additional information 28"},
      {"invalid UTF-8", "/9000/0/0", "62c328", "invalid UTF-8"},
      {"object instance path", "/9000/0", "01", "not a resource or resource-instance path"},
      {"multiple resource", "/9000/0/9", "01", "is a Multiple Resource"},
      {"tag 0 for time", "/9000/0/6", "c07819313937302d30312d30315430303a30303a30312d30303a3030", "tag 0"},
  };
  for (const auto& c : cases) {
    DecodeResult r = Decode(c.hex, c.path);
    ExpectErrorSaying(r, c.words, c.name);
  }
  // Trailing bytes still give the value.
  DecodeResult r = Decode("0101", "/9000/0/1");
  ASSERT_EQ(r.content.records.size(), 1u);
  EXPECT_EQ(r.content.records[0].value, Value::Integer(1));
  EXPECT_EQ(r.diagnostics[0].offset, 1u);
  // Without a model the item keeps its natural type, with an info.
  r = Decode("6161", "/9000/0/1", nullptr);
  EXPECT_FALSE(r.HasErrors());
  EXPECT_EQ(r.content.records[0].value, Value::String("a"));
  // Encoder errors.
  EXPECT_EQ(Encode(Value(), "/9000/0/1").status().code(), StatusCode::kNotAcceptable);
  EXPECT_EQ(Encode(Value::Integer(1), "/9000/0/9").status().code(), StatusCode::kNotAcceptable);
}

TEST(CborCodec, RoundTripsRandomValues) {
  std::mt19937 rng(60);
  std::uniform_int_distribution<int64_t> i64;
  std::uniform_int_distribution<uint64_t> u64;
  for (int i = 0; i < 2000; ++i) {
    const int sh = static_cast<int>(rng() % 64);
    uint64_t bits = u64(rng);
    double d;
    std::memcpy(&d, &bits, 8);
    if (std::isnan(d)) d = -2.5;
    Bytes op(rng() % 30);
    for (auto& x : op) x = static_cast<uint8_t>(rng());
    std::string s;
    for (size_t k = rng() % 40; k > 0; --k) s += static_cast<char>(0x20 + rng() % 95);
    const std::pair<const char*, Value> vals[] = {
        {"/9000/0/0", Value::String(s)},
        {"/9000/0/1", Value::Integer(i64(rng) >> sh)},
        {"/9000/0/2", Value::UnsignedInteger(u64(rng) >> sh)},
        {"/9000/0/3", Value::Float(d)},
        {"/9000/0/3", Value::Float(static_cast<float>(i64(rng) >> sh) / 16.0f)},
        {"/9000/0/4", Value::Boolean(rng() % 2)},
        {"/9000/0/5", Value::Opaque(op)},
        {"/9000/0/6", Value::Time(i64(rng) >> sh)},
        {"/9000/0/7", Value::ObjectLink({static_cast<uint16_t>(rng()), static_cast<uint16_t>(rng())})},
        {"/9000/0/8", Value::Corelnk(s)},
    };
    for (const auto& [path, v] : vals) {
      auto b = Encode(v, path);
      ASSERT_TRUE(b);
      DecodeResult r = Cbor().Decode(*b, {.request_path = P(path), .models = &TestModels()});
      ASSERT_TRUE(r.diagnostics.empty()) << HexEncode(*b) << "\n" << DumpResult(r);
      EXPECT_EQ(r.content.records[0].value, v);
    }
  }
}

TEST(CborCodec, NeverCrashesOnShortOrRandomInputs) {
  size_t ok = 0;
  for (int a = 0; a < 256; ++a) {
    for (int b = -1; b < 256; ++b) {
      Bytes in{static_cast<uint8_t>(a)};
      if (b >= 0) in.push_back(static_cast<uint8_t>(b));
      for (const char* path : {"/9000/0/1", "/9000/0/0", "/9000/0/3"}) {
        DecodeResult r = Cbor().Decode(in, {.request_path = P(path), .models = &TestModels()});
        EXPECT_TRUE(r.HasErrors() || r.content.records.size() == 1u);
        ok += !r.HasErrors();
      }
    }
  }
  EXPECT_GT(ok, 48u);  // at least the 24 + 24 one-byte integers at the Integer path
  std::mt19937 rng(3);
  for (int i = 0; i < 20000; ++i) {
    Bytes in(rng() % 20);
    for (auto& x : in) x = static_cast<uint8_t>(rng());
    DecodeResult r = Cbor().Decode(in, {.request_path = P("/9000/0/0"), .models = nullptr});
    ExpectSaneDiagnostics(r.diagnostics, in.size());
  }
}

}  // namespace
}  // namespace lwm2m
