// content_format_test.cc: content-format numbers (Core TS 1.2 §7.4; IANA registry) and names.
#include "lwm2m/content_format.h"

#include <gtest/gtest.h>

namespace lwm2m {
namespace {

TEST(ContentFormat, NumbersMatchTheRegistry) {
  EXPECT_EQ(static_cast<int>(ContentFormat::kTextPlain), 0);
  EXPECT_EQ(static_cast<int>(ContentFormat::kLinkFormat), 40);
  EXPECT_EQ(static_cast<int>(ContentFormat::kOpaque), 42);
  EXPECT_EQ(static_cast<int>(ContentFormat::kCbor), 60);
  EXPECT_EQ(static_cast<int>(ContentFormat::kSenmlJson), 110);
  EXPECT_EQ(static_cast<int>(ContentFormat::kSenmlCbor), 112);
  EXPECT_EQ(static_cast<int>(ContentFormat::kSenmlEtchJson), 320);
  EXPECT_EQ(static_cast<int>(ContentFormat::kSenmlEtchCbor), 322);
  EXPECT_EQ(static_cast<int>(ContentFormat::kTlv), 11542);
  EXPECT_EQ(static_cast<int>(ContentFormat::kLwm2mJson), 11543);
  EXPECT_EQ(static_cast<int>(ContentFormat::kLwm2mCbor), 11544);
  EXPECT_EQ(AllContentFormats().size(), 11u);
}

TEST(ContentFormat, ParsesNamesMediaTypesAndNumbers) {
  EXPECT_EQ(ParseContentFormat("senml-cbor"), ContentFormat::kSenmlCbor);
  EXPECT_EQ(ParseContentFormat("SENML-CBOR"), ContentFormat::kSenmlCbor);
  EXPECT_EQ(ParseContentFormat("application/vnd.oma.lwm2m+tlv"), ContentFormat::kTlv);
  EXPECT_EQ(ParseContentFormat("11544"), ContentFormat::kLwm2mCbor);
  EXPECT_EQ(ParseContentFormat("1542"), static_cast<ContentFormat>(1542));
  EXPECT_FALSE(ParseContentFormat("senml").has_value());
  EXPECT_FALSE(ParseContentFormat("70000").has_value());
  EXPECT_FALSE(ParseContentFormat("").has_value());
  EXPECT_EQ(ContentFormatLabel(112), "senml-cbor (112)");
  EXPECT_EQ(ContentFormatLabel(1542), "unknown (1542)");
}

}  // namespace
}  // namespace lwm2m
