// content_format.h: the CoAP Content-Format numbers LwM2M 1.2 uses (Core TS 1.2
// §7.4, IANA CoAP Content-Formats registry) and their short names, which the
// CLI, YAML cases and reports accept ("senml-cbor" or "112").
//   ParseContentFormat("senml-cbor") == ContentFormat::kSenmlCbor
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace lwm2m {

enum class ContentFormat : uint16_t {
  kTextPlain = 0,         // text/plain;charset=utf-8
  kLinkFormat = 40,       // application/link-format (RFC 6690)
  kOpaque = 42,           // application/octet-stream
  kCbor = 60,             // application/cbor, single value (Core TS 1.2 §7.4.6)
  kSenmlJson = 110,       // application/senml+json (RFC 8428)
  kSenmlCbor = 112,       // application/senml+cbor (RFC 8428)
  kSenmlEtchJson = 320,   // application/senml-etch+json (RFC 8790)
  kSenmlEtchCbor = 322,   // application/senml-etch+cbor (RFC 8790)
  kTlv = 11542,           // application/vnd.oma.lwm2m+tlv
  kLwm2mJson = 11543,     // application/vnd.oma.lwm2m+json (1.0 only; 1.1+ MUST NOT use)
  kLwm2mCbor = 11544,     // application/vnd.oma.lwm2m+cbor (1.2)
};

struct ContentFormatInfo {
  ContentFormat format;
  std::string_view name;        // "senml-cbor"
  std::string_view media_type;  // "application/senml+cbor"
};

const std::vector<ContentFormatInfo>& AllContentFormats();
const ContentFormatInfo* FindContentFormat(ContentFormat f);
// Accepts a short name ("tlv"), a media type ("application/vnd.oma.lwm2m+tlv"),
// or a decimal number ("11542"). Unknown numbers are returned as they are.
std::optional<ContentFormat> ParseContentFormat(std::string_view text);
// "senml-cbor (112)", or "unknown (1234)".
std::string ContentFormatLabel(uint16_t number);

}  // namespace lwm2m
