// cbor_value_test.cc: strict loading, typing and preferred serialization.
#include "lwm2m/codec/cbor_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "lwm2m/codec/codec_test_support.h"

namespace lwm2m {
namespace {

using codec_test::H;

CborItem Load(const Bytes& b, Diagnostics& d) { return CborLoad(b, d, "CBOR"); }

Bytes RoundTrip(const Value& v) {
  CborItem item = CborFromValue(v);
  return CborSerialize(item.get());
}

// RFC 8949 Appendix A: encodings in preferred serialization.
TEST(CborSerialize, MatchesRfc8949AppendixAIntegers) {
  struct {
    int64_t v;
    const char* hex;
  } cases[] = {{0, "00"},           {1, "01"},           {10, "0a"},         {23, "17"},
               {24, "1818"},        {25, "1819"},        {100, "1864"},      {1000, "1903e8"},
               {1000000, "1a000f4240"}, {1000000000000, "1b000000e8d4a51000"}, {-1, "20"},
               {-10, "29"},         {-100, "3863"},      {-1000, "3903e7"}};
  for (const auto& c : cases) EXPECT_EQ(HexEncode(RoundTrip(Value::Integer(c.v))), c.hex) << c.v;
  EXPECT_EQ(HexEncode(RoundTrip(Value::UnsignedInteger(18446744073709551615u))), "1bffffffffffffffff");
}

TEST(CborSerialize, MatchesRfc8949AppendixAFloatsInShortestExactWidth) {
  struct {
    double v;
    const char* hex;
  } cases[] = {{0.0, "f90000"},
               {-0.0, "f98000"},
               {1.0, "f93c00"},
               {1.1, "fb3ff199999999999a"},
               {1.5, "f93e00"},
               {65504.0, "f97bff"},
               {100000.0, "fa47c35000"},
               {3.4028234663852886e+38, "fa7f7fffff"},
               {1.0e+300, "fb7e37e43c8800759c"},
               {5.960464477539063e-8, "f90001"},
               {0.00006103515625, "f90400"},
               {-4.0, "f9c400"},
               {-4.1, "fbc010666666666666"},
               {std::numeric_limits<double>::infinity(), "f97c00"},
               {std::numeric_limits<double>::quiet_NaN(), "f97e00"},
               {-std::numeric_limits<double>::infinity(), "f9fc00"}};
  for (const auto& c : cases) EXPECT_EQ(HexEncode(RoundTrip(Value::Float(c.v))), c.hex) << c.v;
}

TEST(CborSerialize, MatchesRfc8949AppendixASimpleAndStrings) {
  EXPECT_EQ(HexEncode(RoundTrip(Value::Boolean(false))), "f4");
  EXPECT_EQ(HexEncode(RoundTrip(Value::Boolean(true))), "f5");
  EXPECT_EQ(HexEncode(RoundTrip(Value())), "f6");
  EXPECT_EQ(HexEncode(RoundTrip(Value::String(""))), "60");
  EXPECT_EQ(HexEncode(RoundTrip(Value::String("IETF"))), "6449455446");
  EXPECT_EQ(HexEncode(RoundTrip(Value::String("\u00fc"))), "62c3bc");
  EXPECT_EQ(HexEncode(RoundTrip(Value::Opaque({}))), "40");
  EXPECT_EQ(HexEncode(RoundTrip(Value::Opaque({1, 2, 3, 4}))), "4401020304");
  EXPECT_EQ(HexEncode(RoundTrip(Value::ObjectLink({3, 0}))), "63333a30");
}

TEST(CborLoad, ReserializesNonPreferredInputInPreferredForm) {
  // RFC 8949 Appendix A: indefinite "streaming" and [_ 1, [2, 3], [_ 4, 5]];
  // 0x1900 0x17 is a non-shortest head for 23.
  struct {
    const char* in;
    const char* out;
  } cases[] = {{"7f657374726561646d696e67ff", "6973747265616d696e67"},
               {"9f018202039f0405ffff", "83018202038204 05"},
               {"190017", "17"},
               {"fb3ff8000000000000", "f93e00"},
               {"bf61610161629f0203ffff", "a26161016162820203"}};
  for (const auto& c : cases) {
    Diagnostics d;
    CborItem item = Load(H(c.in), d);
    ASSERT_TRUE(item) << c.in;
    EXPECT_TRUE(d.empty()) << c.in;
    EXPECT_EQ(CborSerialize(item.get()), H(c.out)) << c.in;
  }
}

struct Bad {
  const char* hex;
  size_t offset;
  const char* words;  // a fragment the message must contain
};

TEST(CborLoad, RejectsMalformedInputWithOffset) {
  const Bad cases[] = {
      {"", 0, "empty"},
      {"1c", 0, "reserved additional information 28"},
      {"811e", 1, "reserved additional information 30"},
      {"1901", 0, "truncated head"},
      {"5affffffff00", 0, "runs 4294967294 bytes past the end"},
      {"9bffffffffffffffff00", 0, "declares 18446744073709551615 items"},
      {"b90010" "0000", 0, "declares 16 pairs"},
      {"82011901", 2, "truncated head"},
      {"82a10102", 4, "truncated"},
      {"8301", 0, "declares 3 items but only 1 bytes follow"},
      {"62c328", 1, "invalid UTF-8"},
      {"63eda080", 1, "invalid UTF-8"},  // surrogate U+D800
      {"62c081", 1, "invalid UTF-8"},    // overlong
      {"ff", 0, "break"},
      {"1f", 0, "indefinite length"},
      {"df00", 0, "indefinite length"},
      {"f810", 0, "two-byte form"},
      {"f0", 0, "unassigned simple value 16"},
      {"5f6161ff", 1, "chunk"},
      {"7f5f", 1, "chunk"},
      {"bf01ff", 2, "key without a value"},
      {"9f01", 2, "truncated"},
  };
  for (const auto& c : cases) {
    Diagnostics d;
    CborItem item = Load(H(c.hex), d);
    EXPECT_FALSE(item) << c.hex;
    ASSERT_EQ(d.size(), 1u) << c.hex;
    EXPECT_EQ(d.list()[0].severity, Severity::kError);
    EXPECT_EQ(d.list()[0].offset, c.offset) << c.hex << ": " << d.list()[0].ToString();
    EXPECT_NE(d.list()[0].message.find(c.words), std::string::npos) << d.list()[0].ToString();
  }
}

TEST(CborLoad, RejectsNestingDeeperThanMaxDepth) {
  Bytes ok(32, 0x81);
  ok.push_back(0x00);
  Diagnostics d1;
  EXPECT_TRUE(Load(ok, d1));
  EXPECT_TRUE(d1.empty());

  Bytes deep(33, 0x81);
  deep.push_back(0x00);
  Diagnostics d2;
  EXPECT_FALSE(Load(deep, d2));
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_EQ(d2.list()[0].offset, 32u);
  EXPECT_NE(d2.list()[0].message.find("nesting deeper than 32"), std::string::npos);

  // A million nested tags must neither recurse nor allocate per level.
  Bytes tags(1000000, 0xC6);
  tags.push_back(0x00);
  Diagnostics d3;
  EXPECT_FALSE(Load(tags, d3));
  EXPECT_TRUE(d3.HasErrors());
}

TEST(CborLoad, ReturnsItemAndErrorForTrailingBytes) {
  Diagnostics d;
  CborItem item = Load(H("0102"), d);
  ASSERT_TRUE(item);
  EXPECT_EQ(cbor_get_int(item.get()), 1u);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_TRUE(d.HasErrors());
  EXPECT_EQ(d.list()[0].offset, 1u);
  EXPECT_NE(d.list()[0].message.find("1 trailing byte"), std::string::npos);
}

TEST(CborLoad, NeverCrashesOnShortInputs) {
  size_t loaded = 0;
  for (int a = 0; a < 256; ++a) {
    Diagnostics d;
    if (Load(Bytes{static_cast<uint8_t>(a)}, d)) ++loaded;
    for (int b = 0; b < 256; ++b) {
      Diagnostics d2;
      CborItem it = Load(Bytes{static_cast<uint8_t>(a), static_cast<uint8_t>(b)}, d2);
      EXPECT_TRUE(it || d2.HasErrors());
      if (it) (void)CborSerialize(it.get());
    }
  }
  // 0x00-0x17, 0x20-0x37, 0x40, 0x60, 0x80, 0xa0, 0xf4-0xf7: single-byte items.
  EXPECT_EQ(loaded, 24u + 24u + 4u + 4u);
  std::mt19937 rng(1234);
  for (int i = 0; i < 20000; ++i) {
    Bytes b(rng() % 24);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    Diagnostics d;
    CborItem it = Load(b, d);
    EXPECT_TRUE(it || d.HasErrors());
    if (it) {
      (void)CborSerialize(it.get());
      (void)CborDescribe(it.get());
    }
  }
}

Result<Value> Typed(std::string_view hex, DataType t) {
  Diagnostics d;
  CborItem item = CborLoad(H(hex), d, "CBOR");
  if (!item) return BadRequest("load failed");
  return ValueFromCbor(item.get(), t, "/3/0/9");
}

TEST(ValueFromCbor, TypesItemsPerCoreTs7_4_6) {
  EXPECT_EQ(*Typed("1864", DataType::kInteger), Value::Integer(100));
  EXPECT_EQ(*Typed("3903e7", DataType::kInteger), Value::Integer(-1000));
  EXPECT_EQ(*Typed("1a5f5e1000", DataType::kTime), Value::Time(1600000000));
  EXPECT_EQ(*Typed("c11a5f5e1000", DataType::kTime), Value::Time(1600000000));
  EXPECT_EQ(*Typed("1bffffffffffffffff", DataType::kUnsignedInteger),
            Value::UnsignedInteger(18446744073709551615u));
  EXPECT_EQ(*Typed("f93e00", DataType::kFloat), Value::Float(1.5));
  EXPECT_EQ(*Typed("29", DataType::kFloat), Value::Float(-10.0));
  EXPECT_EQ(*Typed("f5", DataType::kBoolean), Value::Boolean(true));
  EXPECT_EQ(*Typed("6449455446", DataType::kString), Value::String("IETF"));
  EXPECT_EQ(*Typed("4401020304", DataType::kOpaque), Value::Opaque({1, 2, 3, 4}));
  EXPECT_EQ(*Typed("65333a313230", DataType::kObjlnk), Value::ObjectLink({3, 120}));
  EXPECT_EQ(*Typed("1bffffffffffffffff", DataType::kNone), Value::UnsignedInteger(18446744073709551615u));
  EXPECT_EQ(*Typed("05", DataType::kNone), Value::Integer(5));
  EXPECT_EQ(*Typed("f6", DataType::kNone), Value());
}

TEST(ValueFromCbor, RejectsWrongMajorTypeNamingPathAndItem) {
  struct {
    const char* hex;
    DataType type;
    const char* words;
  } cases[] = {
      {"6161", DataType::kInteger, "text string (1 bytes)"},
      {"1bffffffffffffffff", DataType::kInteger, "out of the Integer range"},
      {"20", DataType::kUnsignedInteger, "negative integer -1"},
      {"f5", DataType::kFloat, "true"},
      {"1b0020000000000001", DataType::kFloat, "exactly"},
      {"01", DataType::kBoolean, "unsigned integer 1"},
      {"4161", DataType::kString, "byte string"},
      {"6161", DataType::kOpaque, "text string"},
      {"63333a78", DataType::kObjlnk, "oid:iid"},
      {"c06161", DataType::kTime, "tag 0"},
      {"820102", DataType::kInteger, "array (2 items)"},
      {"a0", DataType::kNone, "map (0 pairs)"},
      {"f93e00", DataType::kInteger, "float 1.5"},
  };
  for (const auto& c : cases) {
    Result<Value> v = Typed(c.hex, c.type);
    ASSERT_FALSE(v) << c.hex;
    EXPECT_EQ(v.status().code(), StatusCode::kBadRequest);
    EXPECT_NE(v.status().message().find("/3/0/9"), std::string::npos) << v.status().message();
    EXPECT_NE(v.status().message().find(c.words), std::string::npos) << v.status().message();
  }
}

TEST(CborValue, RandomValuesRoundTripThroughSerializeAndLoad) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int64_t> i64;
  std::uniform_int_distribution<uint64_t> u64;
  for (int i = 0; i < 2000; ++i) {
    int shift = static_cast<int>(rng() % 64);
    std::vector<std::pair<Value, DataType>> vals = {
        {Value::Integer(i64(rng) >> shift), DataType::kInteger},
        {Value::UnsignedInteger(u64(rng) >> shift), DataType::kUnsignedInteger},
        {Value::Time(i64(rng) >> shift), DataType::kTime},
        {Value::Boolean(rng() & 1), DataType::kBoolean},
        {Value::ObjectLink({static_cast<uint16_t>(rng()), static_cast<uint16_t>(rng())}), DataType::kObjlnk},
    };
    uint64_t bits = u64(rng);
    double d;
    std::memcpy(&d, &bits, 8);
    if (!std::isnan(d)) vals.push_back({Value::Float(d), DataType::kFloat});
    vals.push_back({Value::Float(static_cast<float>(i64(rng) >> shift) / 1024.0f), DataType::kFloat});
    Bytes op(rng() % 40);
    for (auto& x : op) x = static_cast<uint8_t>(rng());
    vals.push_back({Value::Opaque(op), DataType::kOpaque});
    std::string s;
    for (size_t k = rng() % 30; k > 0; --k) s += static_cast<char>(0x20 + rng() % 95);
    vals.push_back({Value::String(s), DataType::kString});
    for (const auto& [v, t] : vals) {
      Bytes b = RoundTrip(v);
      Diagnostics diags;
      CborItem item = CborLoad(b, diags, "CBOR");
      ASSERT_TRUE(item) << v.DebugString();
      EXPECT_TRUE(diags.empty());
      Result<Value> back = ValueFromCbor(item.get(), t, "/1/0/1");
      ASSERT_TRUE(back) << back.status().message();
      EXPECT_EQ(*back, v) << v.DebugString();
      EXPECT_EQ(CborSerialize(item.get()), b);  // re-serialization is stable
    }
  }
}

}  // namespace
}  // namespace lwm2m
