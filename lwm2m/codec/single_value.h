// single_value.h: the base of the single-value codecs (internal to
// lwm2m/codec): text/plain (Core TS 1.2 §7.4.1), opaque (§7.4.2) and CBOR
// (§7.4.6) each carry one value of the Resource or Resource Instance that the
// request path names, typed by its model. Messages keep each format's words.
//   constexpr SingleValueFormat kFormat{"CBOR", "Content-Format 60 carries",
//                                       "one value of a Resource or Resource Instance", kRule};
//   class CborCodec final : public SingleValueCodec { ... DecodeValue(...) ... Encode(...) ... };
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lwm2m/codec/codec.h"

namespace lwm2m {

struct SingleValueFormat {
  std::string_view prefix;   // starts every message: "CBOR", "opaque", "text/plain"
  std::string_view carries;  // "Content-Format 60 carries" / "carries"
  std::string_view what;     // what one payload holds: "one value of a Resource or Resource Instance"
  std::string_view rule;     // "Core TS 1.2 §7.4.6"
};

struct SingleValueTarget {
  std::string path_text;                 // the request path, as messages name it
  const ResourceModel* model = nullptr;  // its model; nullptr without models or when unknown
};

// Why no model types the value: "no model for /3/0/99" or "no object models given".
std::string NoModelReason(const CodecContext& ctx);

// The model makes `p` a Multiple Resource as a whole, which one value cannot stand for.
bool IsWholeMultipleResource(const ResourceModel* rm, const Path& p);

class SingleValueCodec : public Codec {
 public:
  // When the request path names no Resource or Resource Instance: an error
  // "<prefix>: <carries> <what>; /3/0 is not a resource or resource-instance
  // path" and nothing decoded. Otherwise DecodeValue; the one record, at the
  // request path, holds the value when DecodeValue gives one.
  DecodeResult Decode(std::span<const uint8_t> payload, const CodecContext& ctx) const final;

 protected:
  explicit SingleValueCodec(const SingleValueFormat& f) : format_(f) {}

  // The value `payload` carries for the request path (a Resource or Resource
  // Instance path), or nullopt when it carries none; problems go to `d`.
  virtual std::optional<Value> DecodeValue(std::span<const uint8_t> payload, const CodecContext& ctx,
                                           const SingleValueTarget& target, Diagnostics& d) const = 0;

  // The one record an encoder writes. 4.06 when the request path is not a
  // value path or the content is not exactly one record and no links, 4.00
  // when the record is not at the request path.
  Result<const Record*> RecordToEncode(const Content& content, const Path& p) const;
  // RecordToEncode, then 4.06 when the record has no value or the model makes
  // the request path a Multiple Resource (text/plain and CBOR).
  Result<const Record*> ValueToEncode(const Content& content, const CodecContext& ctx) const;

  const SingleValueFormat format_;
};

}  // namespace lwm2m
