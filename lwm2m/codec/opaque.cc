// opaque.cc: application/octet-stream (Core TS 1.2 §7.4.2). The raw bytes of
// one Opaque Resource or Resource Instance, nothing else.
#include "lwm2m/codec/opaque.h"

#include <string>

#include "lwm2m/codec/single_value.h"

namespace lwm2m {
namespace {

constexpr const char* kRule = "Core TS 1.2 §7.4.2";
constexpr SingleValueFormat kFormat{"opaque", "carries", "the value of one Opaque Resource or Resource Instance",
                                    kRule};

class OpaqueCodec final : public SingleValueCodec {
 public:
  OpaqueCodec() : SingleValueCodec(kFormat) {}
  ContentFormat format() const override { return ContentFormat::kOpaque; }
  std::string_view name() const override { return "opaque"; }

  Result<Bytes> Encode(const Content& content, const CodecContext& ctx) const override {
    const Path& p = ctx.request_path;
    Result<const Record*> rec = RecordToEncode(content, p);
    if (!rec) return rec.status();
    const Value& v = (*rec)->value;
    if (v.type() != DataType::kOpaque) {
      return NotAcceptable("opaque: " + p.ToString() + " holds " + v.DebugString() +
                           "; only Opaque values can be written as application/octet-stream [" + kRule + "]");
    }
    if (const ResourceModel* rm = ctx.models ? ctx.models->FindResource(p) : nullptr) {
      if (rm->type != DataType::kOpaque) {
        return NotAcceptable("opaque: " + p.ToString() + " is " + std::string(DataTypeName(rm->type)) +
                             " in the model, not Opaque [" + kRule + "]");
      }
    }
    return v.AsOpaque();
  }

 private:
  std::optional<Value> DecodeValue(std::span<const uint8_t> payload, const CodecContext& ctx,
                                   const SingleValueTarget& target, Diagnostics& d) const override {
    const std::string& ps = target.path_text;
    if (const ResourceModel* rm = target.model; !rm) {
      d.Info(std::nullopt, ps, "opaque: " + NoModelReason(ctx) + "; the payload is taken as Opaque", kRule);
    } else {
      if (rm->type != DataType::kOpaque) {
        d.Error(std::nullopt, ps,
                "opaque: application/octet-stream is only for Opaque resources; " + ps + " is " +
                    std::string(DataTypeName(rm->type)) + " in the model",
                kRule);
      }
      if (IsWholeMultipleResource(rm, ctx.request_path)) {
        d.Error(std::nullopt, ps,
                "opaque: " + ps + " is a Multiple Resource; the opaque format carries one Resource Instance only",
                kRule);
      }
    }
    return Value::Opaque(Bytes(payload.begin(), payload.end()));
  }
};

}  // namespace

std::unique_ptr<Codec> MakeOpaqueCodec() { return std::make_unique<OpaqueCodec>(); }

}  // namespace lwm2m
