// opaque.cc: application/octet-stream (Core TS 1.2 §7.4.2). The raw bytes of
// one Opaque Resource or Resource Instance, nothing else.
#include "lwm2m/codec/opaque.h"

#include <string>

namespace lwm2m {
namespace {

constexpr const char* kRule = "Core TS 1.2 §7.4.2";

bool IsValuePath(const Path& p) {
  return p.level() == Path::Level::kResource || p.level() == Path::Level::kResourceInstance;
}

class OpaqueCodec final : public Codec {
 public:
  ContentFormat format() const override { return ContentFormat::kOpaque; }
  std::string_view name() const override { return "opaque"; }

  DecodeResult Decode(std::span<const uint8_t> payload, const CodecContext& ctx) const override {
    DecodeResult r;
    Diagnostics d;
    const Path& p = ctx.request_path;
    const std::string ps = p.ToString();
    if (!IsValuePath(p)) {
      d.Error(std::nullopt, ps,
              "opaque: carries the value of one Opaque Resource or Resource Instance; " + ps +
                  " is not a resource or resource-instance path",
              kRule);
      r.diagnostics = d.Take();
      return r;
    }
    const ResourceModel* rm = ctx.models ? ctx.models->FindResource(p) : nullptr;
    if (!rm) {
      d.Info(std::nullopt, ps,
             std::string("opaque: ") + (ctx.models ? "no model for " + ps : std::string("no object models given")) +
                 "; the payload is taken as Opaque",
             kRule);
    } else {
      if (rm->type != DataType::kOpaque) {
        d.Error(std::nullopt, ps,
                "opaque: application/octet-stream is only for Opaque resources; " + ps + " is " +
                    std::string(DataTypeName(rm->type)) + " in the model",
                kRule);
      }
      if (rm->multiple && p.level() == Path::Level::kResource) {
        d.Error(std::nullopt, ps,
                "opaque: " + ps + " is a Multiple Resource; the opaque format carries one Resource Instance only",
                kRule);
      }
    }
    r.content.records.push_back({p, Value::Opaque(Bytes(payload.begin(), payload.end())), std::nullopt});
    r.diagnostics = d.Take();
    return r;
  }

  Result<Bytes> Encode(const Content& content, const CodecContext& ctx) const override {
    const Path& p = ctx.request_path;
    if (!IsValuePath(p)) {
      return NotAcceptable("opaque: " + p.ToString() + " is not a resource or resource-instance path [" + kRule + "]");
    }
    if (content.records.size() != 1 || !content.links.empty()) {
      return NotAcceptable("opaque: carries exactly one value, " + std::to_string(content.records.size()) +
                           " records given [" + kRule + "]");
    }
    const Record& rec = content.records[0];
    if (rec.path != p) {
      return BadRequest("opaque: record " + rec.path.ToString() + " is not the request path " + p.ToString());
    }
    if (rec.value.type() != DataType::kOpaque) {
      return NotAcceptable("opaque: " + p.ToString() + " holds " + rec.value.DebugString() +
                           "; only Opaque values can be written as application/octet-stream [" + kRule + "]");
    }
    if (const ResourceModel* rm = ctx.models ? ctx.models->FindResource(p) : nullptr) {
      if (rm->type != DataType::kOpaque) {
        return NotAcceptable("opaque: " + p.ToString() + " is " + std::string(DataTypeName(rm->type)) +
                             " in the model, not Opaque [" + kRule + "]");
      }
    }
    return rec.value.AsOpaque();
  }
};

}  // namespace

std::unique_ptr<Codec> MakeOpaqueCodec() { return std::make_unique<OpaqueCodec>(); }

}  // namespace lwm2m
