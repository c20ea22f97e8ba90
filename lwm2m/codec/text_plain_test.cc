// text_plain_test.cc: text/plain (Core TS 1.2 §7.4.1). Value vectors from
// Zephyr tests/net/lib/lwm2m/content_plain_text/src/main.c (collected in
// fiumaralabs/lwm2m spec/vectors/plain_text.json); the Device values are
// those of the Core TS §7.4.3 Device example read one resource at a time.
#include "lwm2m/codec/text_plain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using namespace codec_test;  // object 9000 of TestModels() has a resource of every data type

const Codec& Text() { return CodecOf<MakeTextPlainCodec>(); }

DecodeResult Decode(std::string_view text, std::string_view path, const ModelRegistry* m = &TestModels()) {
  return DecodeAt(Text(), B(text), path, m);
}

std::string Encode(Value v, std::string_view path) {
  Content c;
  c.records.push_back({P(path), std::move(v), std::nullopt});
  return S(EncodeOk(Text(), c, path));
}

TEST(TextPlainCodec, DecodesAndEncodesKnownValues) {
  struct {
    const char* path;
    const char* text;
    Value v;
  } cases[] = {
      {"/9000/0/1", "0", Value::Integer(0)},
      {"/9000/0/1", "-128", Value::Integer(-128)},
      {"/9000/0/1", "2147483647", Value::Integer(2147483647)},
      {"/9000/0/1", "9223372036854775807", Value::Integer(INT64_MAX)},
      {"/9000/0/1", "-9223372036854775808", Value::Integer(INT64_MIN)},
      {"/9000/0/0", "test_string", Value::String("test_string")},
      {"/9000/0/0", "Open Mobile Alliance", Value::String("Open Mobile Alliance")},
      {"/9000/0/3", "0.123", Value::Float(0.123)},
      {"/9000/0/3", "-0.987", Value::Float(-0.987)},
      {"/9000/0/3", "-123.125", Value::Float(-123.125)},
      {"/9000/0/4", "1", Value::Boolean(true)},
      {"/9000/0/4", "0", Value::Boolean(false)},
      {"/9000/0/7", "0:0", Value::ObjectLink({0, 0})},
      {"/9000/0/7", "65535:65535", Value::ObjectLink({65535, 65535})},
      {"/9000/0/6", "1367491215", Value::Time(1367491215)},
      {"/9000/0/2", "18446744073709551615", Value::UnsignedInteger(UINT64_MAX)},
      {"/9000/0/5", "AQIDBA==", Value::Opaque({1, 2, 3, 4})},  // Opaque is base64 (RFC 4648 §4)
      {"/9000/0/8", "</3/0>;ver=1.2", Value::Corelnk("</3/0>;ver=1.2")},
      {"/9000/0/9/3", "42", Value::Integer(42)},
  };
  for (const auto& c : cases) {
    DecodeResult r = Decode(c.text, c.path);
    EXPECT_TRUE(r.diagnostics.empty()) << c.text << "\n" << DumpResult(r);
    ASSERT_EQ(r.content.records.size(), 1u) << c.text;
    EXPECT_EQ(r.content.records[0].value, c.v) << c.text;
    EXPECT_EQ(r.content.records[0].path, P(c.path));
    EXPECT_EQ(Encode(c.v, c.path), c.text);
  }
  // Decoding accepts other spellings of a float; encoding is the shortest round-trip form.
  EXPECT_EQ(Decode("3.0", "/9000/0/3").content.records[0].value, Value::Float(3.0));
  EXPECT_EQ(Encode(Value::Float(3.0), "/9000/0/3"), "3");
}

TEST(TextPlainCodec, ReportsErrors) {
  struct {
    const char* name;
    const char* path;
    const char* text;
    const char* words;
  } cases[] = {
      {"object instance path", "/9000/0", "1", "not a resource or resource-instance path"},
      {"object path", "/9000", "1", "not a resource or resource-instance path"},
      {"unknown resource", "/9000/0/99", "1", "no model for /9000/0/99"},
      {"unknown object", "/4242/0/0", "1", "no model for /4242/0/0"},
      {"integer overflow", "/9000/0/1", "9223372036854775808", "/9000/0/1 is Integer"},
      {"integer underflow", "/9000/0/1", "-9223372036854775809", "/9000/0/1 is Integer"},
      {"integer with text", "/9000/0/1", "12a", "is not"},
      {"integer empty", "/9000/0/1", "", "is not"},
      {"unsigned negative", "/9000/0/2", "-1", "is not"},
      {"float garbage", "/9000/0/3", "1.2.3", "is not"},
      {"boolean true", "/9000/0/4", "true", "is not a Boolean"},
      {"boolean 2", "/9000/0/4", "2", "is not a Boolean"},
      {"opaque not base64", "/9000/0/5", "!!!", "base64"},
      {"objlnk without colon", "/9000/0/7", "3", "Objlnk"},
      {"objlnk out of range", "/9000/0/7", "65536:0", "Objlnk"},
      {"multiple resource", "/9000/0/9", "1", "is a Multiple Resource"},
      {"instance of single resource", "/9000/0/1/0", "1", "single-instance Resource"},
      {"executable with value", "/3/0/4", "x", "is not empty"},  // Reboot
  };
  for (const auto& c : cases) {
    DecodeResult r = Decode(c.text, c.path);
    ExpectErrorSaying(r, c.words, c.name);
  }
  // Without models the value cannot be typed.
  DecodeResult r = Decode("42", "/9000/0/1", nullptr);
  EXPECT_TRUE(r.HasErrors());
  ASSERT_EQ(r.content.records.size(), 1u);
  EXPECT_EQ(r.content.records[0].value, Value::String("42"));
}

TEST(TextPlainCodec, WarnsOnInvalidUtf8) {
  DecodeResult r = Decode("ab\xff", "/9000/0/0");
  EXPECT_FALSE(r.HasErrors());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(r.diagnostics[0].offset, 2u);
}

TEST(TextPlainCodec, EncoderRejectsWhatTextCannotCarry) {
  Content c;
  c.records = {{P("/9000/0/1"), Value::Integer(1), std::nullopt}, {P("/9000/0/2"), Value::Integer(1), std::nullopt}};
  auto b = Text().Encode(c, {.request_path = P("/9000/0"), .models = &TestModels()});
  EXPECT_EQ(b.status().code(), StatusCode::kNotAcceptable);
  c.records.resize(1);
  b = Text().Encode(c, {.request_path = P("/9000/0/2"), .models = &TestModels()});
  EXPECT_EQ(b.status().code(), StatusCode::kBadRequest);  // record path differs
  c.records = {{P("/9000/0/9"), Value::Integer(1), std::nullopt}};
  b = Text().Encode(c, {.request_path = P("/9000/0/9"), .models = &TestModels()});
  EXPECT_EQ(b.status().code(), StatusCode::kNotAcceptable);  // Multiple Resource
}

TEST(TextPlainCodec, RoundTripsRandomValues) {
  std::mt19937 rng(99);
  std::uniform_int_distribution<int64_t> i64;
  std::uniform_int_distribution<uint64_t> u64;
  for (int i = 0; i < 2000; ++i) {
    const int sh = static_cast<int>(rng() % 64);
    uint64_t bits = u64(rng);
    double d;
    std::memcpy(&d, &bits, 8);
    if (std::isnan(d)) d = 1.5;
    Bytes op(rng() % 30);
    for (auto& x : op) x = static_cast<uint8_t>(rng());
    std::string s;
    for (size_t k = rng() % 20; k > 0; --k) s += static_cast<char>(0x20 + rng() % 95);
    const std::pair<const char*, Value> vals[] = {
        {"/9000/0/0", Value::String(s)},
        {"/9000/0/1", Value::Integer(i64(rng) >> sh)},
        {"/9000/0/2", Value::UnsignedInteger(u64(rng) >> sh)},
        {"/9000/0/3", Value::Float(d)},
        {"/9000/0/4", Value::Boolean(rng() % 2)},
        {"/9000/0/5", Value::Opaque(op)},
        {"/9000/0/6", Value::Time(i64(rng) >> sh)},
        {"/9000/0/7", Value::ObjectLink({static_cast<uint16_t>(rng()), static_cast<uint16_t>(rng())})},
    };
    for (const auto& [path, v] : vals) {
      const std::string text = Encode(v, path);
      DecodeResult r = Decode(text, path);
      ASSERT_TRUE(r.diagnostics.empty()) << text << "\n" << DumpResult(r);
      EXPECT_EQ(r.content.records[0].value, v) << text;
    }
  }
}

TEST(TextPlainCodec, NeverCrashesOnShortInputs) {
  size_t ok = 0;
  for (const char* path : {"/9000/0/1", "/9000/0/3", "/9000/0/5", "/9000/0/7", "/9000/0/4"}) {
    for (int a = 0; a < 256; ++a) {
      for (int b = -1; b < 256; ++b) {
        Bytes in{static_cast<uint8_t>(a)};
        if (b >= 0) in.push_back(static_cast<uint8_t>(b));
        DecodeResult r = Text().Decode(in, {.request_path = P(path), .models = &TestModels()});
        EXPECT_TRUE(r.HasErrors() || r.content.records.size() == 1u);
        ok += !r.HasErrors();
      }
    }
  }
  // Integer: 10 one-digit + 100 two-digit + 9 negative ("-1".."-9") inputs parse, among others.
  EXPECT_GT(ok, 119u);
}

}  // namespace
}  // namespace lwm2m
