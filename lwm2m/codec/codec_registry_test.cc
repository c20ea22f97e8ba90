// codec_registry_test.cc: the one table of codecs covers every content format of content_format.h.
#include "lwm2m/codec/codec.h"

#include <gtest/gtest.h>

namespace lwm2m {
namespace {

TEST(CodecRegistry, EveryContentFormatHasItsCodec) {
  ASSERT_EQ(AllCodecs().size(), AllContentFormats().size());
  for (const ContentFormatInfo& info : AllContentFormats()) {
    const Codec* c = FindCodec(info.format);
    ASSERT_NE(c, nullptr) << info.name;
    EXPECT_EQ(c->format(), info.format);
    EXPECT_EQ(c->name(), info.name);
    EXPECT_EQ(FindCodec(info.name), c);
    EXPECT_EQ(FindCodec(std::to_string(static_cast<unsigned>(info.format))), c);
  }
}

TEST(CodecRegistry, UnknownFormatsHaveNoCodec) {
  EXPECT_EQ(FindCodec(static_cast<ContentFormat>(1542)), nullptr);
  EXPECT_EQ(FindCodec("senml"), nullptr);
  EXPECT_EQ(FindCodec(""), nullptr);
}

}  // namespace
}  // namespace lwm2m
