// value_test.cc: LwM2M data types, text/plain representation (Core TS 1.2
// §7.4.1, Appendix C) and conversions.
#include "lwm2m/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace lwm2m {
namespace {

TEST(Value, DefaultIsNone) {
  Value v;
  EXPECT_TRUE(v.is_none());
  EXPECT_EQ(v.type(), DataType::kNone);
  EXPECT_EQ(v.ToText(), "");
}

TEST(Value, TextRepresentationPerCoreTs) {
  EXPECT_EQ(Value::Integer(-42).ToText(), "-42");
  EXPECT_EQ(Value::UnsignedInteger(18446744073709551615ull).ToText(), "18446744073709551615");
  EXPECT_EQ(Value::Float(21.5).ToText(), "21.5");
  EXPECT_EQ(Value::Boolean(true).ToText(), "1");
  EXPECT_EQ(Value::Boolean(false).ToText(), "0");
  EXPECT_EQ(Value::Time(1700000000).ToText(), "1700000000");
  EXPECT_EQ(Value::ObjectLink({3, 0}).ToText(), "3:0");
  // Opaque in text/plain is base64 (RFC 4648 §10 test vector "foob" -> "Zm9vYg==").
  EXPECT_EQ(Value::Opaque({'f', 'o', 'o', 'b'}).ToText(), "Zm9vYg==");
}

TEST(Value, FromTextRoundTripsEveryType) {
  const Value values[] = {Value::String("Open Mobile Alliance"), Value::Integer(INT64_MIN), Value::Integer(INT64_MAX),
                          Value::UnsignedInteger(UINT64_MAX), Value::Float(-0.125), Value::Float(1e300),
                          Value::Boolean(true), Value::Opaque({0, 1, 2, 0xff}), Value::Time(-1),
                          Value::ObjectLink({65535, 65535}), Value::Corelnk("</3/0>")};
  for (const Value& v : values) {
    auto back = Value::FromText(v.ToText(), v.type());
    ASSERT_TRUE(back.ok()) << v.DebugString() << ": " << back.status().ToString();
    EXPECT_EQ(*back, v) << v.DebugString();
  }
}

TEST(Value, FromTextRejectsWithReason) {
  EXPECT_FALSE(Value::FromText("2", DataType::kBoolean).ok());
  EXPECT_FALSE(Value::FromText("true", DataType::kBoolean).ok());
  EXPECT_FALSE(Value::FromText("12a", DataType::kInteger).ok());
  EXPECT_FALSE(Value::FromText("", DataType::kInteger).ok());
  EXPECT_FALSE(Value::FromText("9223372036854775808", DataType::kInteger).ok());
  EXPECT_FALSE(Value::FromText("-1", DataType::kUnsignedInteger).ok());
  EXPECT_FALSE(Value::FromText("1.2.3", DataType::kFloat).ok());
  EXPECT_FALSE(Value::FromText("abc", DataType::kFloat).ok());
  EXPECT_FALSE(Value::FromText("3", DataType::kObjlnk).ok());
  EXPECT_FALSE(Value::FromText("3:70000", DataType::kObjlnk).ok());
  EXPECT_FALSE(Value::FromText("!!", DataType::kOpaque).ok());
  auto r = Value::FromText("yes", DataType::kBoolean);
  EXPECT_NE(r.status().message().find("'yes'"), std::string::npos) << r.status().message();
}

TEST(Value, ConvertsNumbersExactlyOrRefuses) {
  EXPECT_EQ(*Value::Float(21.0).ConvertTo(DataType::kInteger), Value::Integer(21));
  EXPECT_FALSE(Value::Float(21.5).ConvertTo(DataType::kInteger).ok());
  EXPECT_FALSE(Value::Float(std::nan("")).ConvertTo(DataType::kInteger).ok());
  EXPECT_FALSE(Value::Float(1e30).ConvertTo(DataType::kInteger).ok());
  EXPECT_EQ(*Value::Integer(5).ConvertTo(DataType::kUnsignedInteger), Value::UnsignedInteger(5));
  EXPECT_FALSE(Value::Integer(-5).ConvertTo(DataType::kUnsignedInteger).ok());
  EXPECT_FALSE(Value::UnsignedInteger(UINT64_MAX).ConvertTo(DataType::kInteger).ok());
  EXPECT_EQ(*Value::Integer(3).ConvertTo(DataType::kFloat), Value::Float(3.0));
  // 2^53 + 1 is not exact in a double.
  EXPECT_FALSE(Value::Integer((int64_t{1} << 53) + 1).ConvertTo(DataType::kFloat).ok());
  EXPECT_EQ(*Value::Integer(1700000000).ConvertTo(DataType::kTime), Value::Time(1700000000));
  EXPECT_EQ(*Value::Integer(1).ConvertTo(DataType::kBoolean), Value::Boolean(true));
  EXPECT_FALSE(Value::Integer(2).ConvertTo(DataType::kBoolean).ok());
}

TEST(Value, ConvertsThroughText) {
  EXPECT_EQ(*Value::String("3:1").ConvertTo(DataType::kObjlnk), Value::ObjectLink({3, 1}));
  EXPECT_EQ(*Value::Integer(7).ConvertTo(DataType::kString), Value::String("7"));
  EXPECT_FALSE(Value::String("x").ConvertTo(DataType::kInteger).ok());
  EXPECT_FALSE(Value().ConvertTo(DataType::kString).ok());
  EXPECT_FALSE(Value::Opaque({1}).ConvertTo(DataType::kInteger).ok());
}

TEST(Value, EqualityIsTypedAndNanAware) {
  EXPECT_NE(Value::Integer(1), Value::UnsignedInteger(1));
  EXPECT_NE(Value::Integer(1), Value::Time(1));
  EXPECT_EQ(Value::Float(std::nan("")), Value::Float(std::nan("")));
  EXPECT_NE(Value::String("a"), Value::Corelnk("a"));
}

TEST(Value, WrongAccessorGivesNeutralValue) {
  Value s = Value::String("x");
  EXPECT_EQ(s.AsInteger(), 0);
  EXPECT_TRUE(s.AsOpaque().empty());
  EXPECT_EQ(Value::Integer(4).AsString(), "");
}

TEST(DataType, NamesRoundTrip) {
  for (DataType t : {DataType::kNone, DataType::kString, DataType::kInteger, DataType::kUnsignedInteger,
                     DataType::kFloat, DataType::kBoolean, DataType::kOpaque, DataType::kTime, DataType::kObjlnk,
                     DataType::kCorelnk}) {
    EXPECT_EQ(ParseDataType(DataTypeName(t)), t) << DataTypeName(t);
  }
  EXPECT_FALSE(ParseDataType("Integr").has_value());
}

// RFC 4648 §10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    Bytes b(plain[i], plain[i] + std::char_traits<char>::length(plain[i]));
    EXPECT_EQ(Base64Encode(b), enc[i]);
    EXPECT_EQ(*Base64Decode(enc[i]), b);
  }
  EXPECT_FALSE(Base64Decode("Zg=").ok());
  EXPECT_FALSE(Base64Decode("Z").ok());
  EXPECT_FALSE(Base64Decode("Zm9v!").ok());
}

TEST(Base64Url, NoPaddingAndUrlAlphabet) {
  Bytes b = {0xfb, 0xff};
  EXPECT_EQ(Base64UrlEncode(b), "-_8");
  EXPECT_EQ(*Base64UrlDecode("-_8"), b);
  EXPECT_FALSE(Base64UrlDecode("-_8=").ok());
  EXPECT_FALSE(Base64UrlDecode("+/8").ok());
}

TEST(Hex, DecodesWithSeparatorsAndRejectsJunk) {
  EXPECT_EQ(*HexDecode("0A 0b:FF"), (Bytes{0x0a, 0x0b, 0xff}));
  EXPECT_EQ(*HexDecode("0x1234"), (Bytes{0x12, 0x34}));
  EXPECT_EQ(HexEncode({0xde, 0xad}), "dead");
  EXPECT_FALSE(HexDecode("abc").ok());
  auto r = HexDecode("12zz");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'z' at 2"), std::string::npos) << r.status().message();
}

// Known answers from RFC 3629 §3 (the encoding table), §4 (the ABNF: no
// overlongs, no surrogates, nothing above U+10FFFF) and §10 (C0 80 is the
// overlong NUL that must be rejected).
TEST(Utf8, AcceptsWellFormedSequences) {
  EXPECT_EQ(FindInvalidUtf8(""), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8("plain ASCII \x7f"), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8("\xC2\x80"), std::nullopt);              // U+0080, smallest 2-byte
  EXPECT_EQ(FindInvalidUtf8("\xC3\xA9t\xC3\xA9"), std::nullopt);     // "été"
  EXPECT_EQ(FindInvalidUtf8("\xE0\xA0\x80"), std::nullopt);          // U+0800, smallest 3-byte
  EXPECT_EQ(FindInvalidUtf8("\xE2\x82\xAC"), std::nullopt);          // U+20AC EURO SIGN
  EXPECT_EQ(FindInvalidUtf8("\xED\x9F\xBF\xEE\x80\x80"), std::nullopt);  // U+D7FF, U+E000 around the surrogates
  EXPECT_EQ(FindInvalidUtf8("\xF0\x90\x80\x80"), std::nullopt);      // U+10000, smallest 4-byte
  EXPECT_EQ(FindInvalidUtf8("\xF0\x9F\x98\x80"), std::nullopt);      // U+1F600
  EXPECT_EQ(FindInvalidUtf8("\xF4\x8F\xBF\xBF"), std::nullopt);      // U+10FFFF, the largest
  const Bytes nul_inside = {'a', 0x00, 'b'};
  EXPECT_EQ(FindInvalidUtf8(nul_inside), std::nullopt);
}

TEST(Utf8, GivesTheOffsetOfTheFirstBadSequence) {
  EXPECT_EQ(FindInvalidUtf8("\xC0\x80"), 0u);                  // overlong NUL (RFC 3629 §10)
  EXPECT_EQ(FindInvalidUtf8("ab\xC1\xBF"), 2u);                // overlong U+007F
  EXPECT_EQ(FindInvalidUtf8("\xE0\x9F\xBF"), 0u);              // overlong U+07FF
  EXPECT_EQ(FindInvalidUtf8("x\xF0\x8F\xBF\xBF"), 1u);         // overlong U+FFFF
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);              // U+D800, a surrogate
  EXPECT_EQ(FindInvalidUtf8("ok\xED\xBF\xBF"), 2u);            // U+DFFF, a surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);          // U+110000, above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xE2\x82"), 0u);                  // truncated 3-byte sequence
  EXPECT_EQ(FindInvalidUtf8("abc\xF0\x9F\x98"), 3u);           // truncated 4-byte sequence at the end
  EXPECT_EQ(FindInvalidUtf8("\xC3(x"), 0u);                    // second byte not a continuation
  EXPECT_EQ(FindInvalidUtf8("\xC3\xA9\x80"), 2u);              // lone continuation byte after a good "é"
  EXPECT_EQ(FindInvalidUtf8("\xF8\x88\x80\x80\x80"), 0u);      // 5-byte form, not UTF-8
  EXPECT_EQ(FindInvalidUtf8("\xFF"), 0u);
  const Bytes bytes = {'a', 'b', 0xE2, 0x82, 0xAC, 0xED, 0xA0, 0x80};
  EXPECT_EQ(FindInvalidUtf8(bytes), 5u);  // the span overload agrees
}

}  // namespace
}  // namespace lwm2m
