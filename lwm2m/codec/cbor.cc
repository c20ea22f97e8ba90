// cbor.cc: application/cbor (Core TS 1.2 §7.4.6). One CBOR data item holding
// the value of one Resource or Resource Instance, typed by the model.
#include "lwm2m/codec/cbor.h"

#include <string>

#include "lwm2m/codec/cbor_value.h"
#include "lwm2m/codec/single_value.h"

namespace lwm2m {
namespace {

constexpr const char* kRule = "Core TS 1.2 §7.4.6";
constexpr SingleValueFormat kFormat{"CBOR", "Content-Format 60 carries",
                                    "one value of a Resource or Resource Instance", kRule};

class CborCodec final : public SingleValueCodec {
 public:
  CborCodec() : SingleValueCodec(kFormat) {}
  ContentFormat format() const override { return ContentFormat::kCbor; }
  std::string_view name() const override { return "cbor"; }

  Result<Bytes> Encode(const Content& content, const CodecContext& ctx) const override {
    Result<const Record*> rec = ValueToEncode(content, ctx);
    if (!rec) return rec.status();
    CborItem item = CborFromValue((*rec)->value);
    if (!item) return InternalError("CBOR: out of memory building the item for " + ctx.request_path.ToString());
    return CborSerialize(item.get());
  }

 private:
  std::optional<Value> DecodeValue(std::span<const uint8_t> payload, const CodecContext& ctx,
                                   const SingleValueTarget& target, Diagnostics& d) const override {
    const std::string& ps = target.path_text;
    const size_t before = d.size();
    CborItem item = CborLoad(payload, d, "CBOR");
    for (size_t i = before; i < d.size(); ++i) d.list()[i].path = ps;
    if (!item) return std::nullopt;
    if (cbor_isa_map(item.get()) || cbor_isa_array(item.get())) {
      d.Error(0, ps,
              "CBOR: Content-Format 60 carries a single value, not a " + CborDescribe(item.get()) +
                  " (use SenML CBOR or LwM2M CBOR for several values)",
              kRule);
      return std::nullopt;
    }
    const ResourceModel* rm = target.model;
    if (!rm) {
      d.Info(0, ps, "CBOR: " + NoModelReason(ctx) + "; the value takes the natural type of the CBOR item", kRule);
    } else if (IsWholeMultipleResource(rm, ctx.request_path)) {
      d.Error(0, ps, "CBOR: " + ps + " is a Multiple Resource; Content-Format 60 carries one Resource Instance only",
              kRule);
    }
    Result<Value> v = ValueFromCbor(item.get(), rm ? rm->type : DataType::kNone, ps);
    if (!v) {
      d.Error(0, ps, v.status().message(), kRule);
      return std::nullopt;
    }
    // Preferred serialization (RFC 8949 §4.1) is not required by the TS; say so when it is not used.
    const Bytes preferred = CborSerialize(item.get());
    if (!d.HasErrors() && preferred != Bytes(payload.begin(), payload.end())) {
      d.Info(0, ps, "CBOR: the item is not in preferred serialization; preferred is " + HexEncode(preferred),
             "RFC 8949 §4.1");
    }
    return std::move(*v);
  }
};

}  // namespace

std::unique_ptr<Codec> MakeCborCodec() { return std::make_unique<CborCodec>(); }

}  // namespace lwm2m
