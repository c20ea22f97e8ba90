// content_format.cc
#include "lwm2m/content_format.h"

#include <charconv>
#include <string>

namespace lwm2m {

const std::vector<ContentFormatInfo>& AllContentFormats() {
  static const std::vector<ContentFormatInfo> kAll = {
      {ContentFormat::kTextPlain, "text", "text/plain;charset=utf-8"},
      {ContentFormat::kLinkFormat, "link", "application/link-format"},
      {ContentFormat::kOpaque, "opaque", "application/octet-stream"},
      {ContentFormat::kCbor, "cbor", "application/cbor"},
      {ContentFormat::kSenmlJson, "senml-json", "application/senml+json"},
      {ContentFormat::kSenmlCbor, "senml-cbor", "application/senml+cbor"},
      {ContentFormat::kSenmlEtchJson, "senml-etch-json", "application/senml-etch+json"},
      {ContentFormat::kSenmlEtchCbor, "senml-etch-cbor", "application/senml-etch+cbor"},
      {ContentFormat::kTlv, "tlv", "application/vnd.oma.lwm2m+tlv"},
      {ContentFormat::kLwm2mJson, "lwm2m-json", "application/vnd.oma.lwm2m+json"},
      {ContentFormat::kLwm2mCbor, "lwm2m-cbor", "application/vnd.oma.lwm2m+cbor"},
  };
  return kAll;
}

const ContentFormatInfo* FindContentFormat(ContentFormat f) {
  for (const auto& i : AllContentFormats())
    if (i.format == f) return &i;
  return nullptr;
}

std::optional<ContentFormat> ParseContentFormat(std::string_view text) {
  std::string t(text);
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& i : AllContentFormats())
    if (t == i.name || t == i.media_type) return i.format;
  if (t == "text/plain" || t == "plain" || t == "plaintext") return ContentFormat::kTextPlain;
  if (t == "link-format") return ContentFormat::kLinkFormat;
  if (t == "octet-stream") return ContentFormat::kOpaque;
  unsigned n = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec == std::errc() && p == t.data() + t.size() && !t.empty() && n <= 65535)
    return static_cast<ContentFormat>(n);
  return std::nullopt;
}

std::string ContentFormatLabel(uint16_t number) {
  const auto* i = FindContentFormat(static_cast<ContentFormat>(number));
  return std::string(i ? i->name : "unknown") + " (" + std::to_string(number) + ")";
}

}  // namespace lwm2m
