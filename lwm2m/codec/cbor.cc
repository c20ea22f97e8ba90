// cbor.cc: application/cbor (Core TS 1.2 §7.4.6). One CBOR data item holding
// the value of one Resource or Resource Instance, typed by the model.
#include "lwm2m/codec/cbor.h"

#include <string>

#include "lwm2m/codec/cbor_value.h"

namespace lwm2m {
namespace {

constexpr const char* kRule = "Core TS 1.2 §7.4.6";

bool IsValuePath(const Path& p) {
  return p.level() == Path::Level::kResource || p.level() == Path::Level::kResourceInstance;
}

class CborCodec final : public Codec {
 public:
  ContentFormat format() const override { return ContentFormat::kCbor; }
  std::string_view name() const override { return "cbor"; }

  DecodeResult Decode(std::span<const uint8_t> payload, const CodecContext& ctx) const override {
    DecodeResult r;
    Diagnostics d;
    const Path& p = ctx.request_path;
    const std::string ps = p.ToString();
    if (!IsValuePath(p)) {
      d.Error(std::nullopt, ps,
              "CBOR: Content-Format 60 carries one value of a Resource or Resource Instance; " + ps +
                  " is not a resource or resource-instance path",
              kRule);
      r.diagnostics = d.Take();
      return r;
    }
    const size_t before = d.size();
    CborItem item = CborLoad(payload, d, "CBOR");
    for (size_t i = before; i < d.size(); ++i) d.list()[i].path = ps;
    if (!item) {
      r.diagnostics = d.Take();
      return r;
    }
    if (cbor_isa_map(item.get()) || cbor_isa_array(item.get())) {
      d.Error(0, ps,
              "CBOR: Content-Format 60 carries a single value, not a " + CborDescribe(item.get()) +
                  " (use SenML CBOR or LwM2M CBOR for several values)",
              kRule);
      r.diagnostics = d.Take();
      return r;
    }
    const ResourceModel* rm = ctx.models ? ctx.models->FindResource(p) : nullptr;
    if (!rm) {
      d.Info(0, ps,
             std::string("CBOR: ") + (ctx.models ? "no model for " + ps : std::string("no object models given")) +
                 "; the value takes the natural type of the CBOR item",
             kRule);
    } else if (rm->multiple && p.level() == Path::Level::kResource) {
      d.Error(0, ps, "CBOR: " + ps + " is a Multiple Resource; Content-Format 60 carries one Resource Instance only",
              kRule);
    }
    Result<Value> v = ValueFromCbor(item.get(), rm ? rm->type : DataType::kNone, ps);
    if (!v) {
      d.Error(0, ps, v.status().message(), kRule);
      r.diagnostics = d.Take();
      return r;
    }
    // Preferred serialization (RFC 8949 §4.1) is not required by the TS; say so when it is not used.
    const Bytes preferred = CborSerialize(item.get());
    if (!d.HasErrors() && preferred != Bytes(payload.begin(), payload.end())) {
      d.Info(0, ps,
             "CBOR: the item is not in preferred serialization (RFC 8949 §4.1); preferred is " +
                 HexEncode(preferred),
             "RFC 8949 §4.1");
    }
    r.content.records.push_back({p, std::move(*v), std::nullopt});
    r.diagnostics = d.Take();
    return r;
  }

  Result<Bytes> Encode(const Content& content, const CodecContext& ctx) const override {
    const Path& p = ctx.request_path;
    if (!IsValuePath(p)) {
      return NotAcceptable("CBOR: " + p.ToString() + " is not a resource or resource-instance path [" + kRule + "]");
    }
    if (content.records.size() != 1 || !content.links.empty()) {
      return NotAcceptable("CBOR: Content-Format 60 carries exactly one value, " +
                           std::to_string(content.records.size()) + " records given [" + kRule + "]");
    }
    const Record& rec = content.records[0];
    if (rec.path != p) {
      return BadRequest("CBOR: record " + rec.path.ToString() + " is not the request path " + p.ToString());
    }
    if (rec.value.is_none()) return NotAcceptable("CBOR: " + p.ToString() + " has no value to write");
    if (const ResourceModel* rm = ctx.models ? ctx.models->FindResource(p) : nullptr) {
      if (rm->multiple && p.level() == Path::Level::kResource) {
        return NotAcceptable("CBOR: " + p.ToString() + " is a Multiple Resource [" + kRule + "]");
      }
    }
    CborItem item = CborFromValue(rec.value);
    if (!item) return InternalError("CBOR: out of memory building the item for " + p.ToString());
    return CborSerialize(item.get());
  }
};

}  // namespace

std::unique_ptr<Codec> MakeCborCodec() { return std::make_unique<CborCodec>(); }

}  // namespace lwm2m
