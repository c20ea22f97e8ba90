// text_plain.cc: text/plain (Core TS 1.2 §7.4.1). One value of a Resource or
// Resource Instance, in the text representation of its model data type.
#include "lwm2m/codec/text_plain.h"

#include <optional>
#include <string>

#include "lwm2m/codec/single_value.h"

namespace lwm2m {
namespace {

constexpr const char* kRule = "Core TS 1.2 §7.4.1";
constexpr SingleValueFormat kFormat{"text/plain", "carries", "one value of a Resource or Resource Instance", kRule};

class TextPlainCodec final : public SingleValueCodec {
 public:
  TextPlainCodec() : SingleValueCodec(kFormat) {}
  ContentFormat format() const override { return ContentFormat::kTextPlain; }
  std::string_view name() const override { return "text"; }

  Result<Bytes> Encode(const Content& content, const CodecContext& ctx) const override {
    Result<const Record*> rec = ValueToEncode(content, ctx);
    if (!rec) return rec.status();
    const std::string t = (*rec)->value.ToText();
    return Bytes(t.begin(), t.end());
  }

 private:
  std::optional<Value> DecodeValue(std::span<const uint8_t> payload, const CodecContext& ctx,
                                   const SingleValueTarget& target, Diagnostics& d) const override {
    const Path& p = ctx.request_path;
    const std::string& ps = target.path_text;
    const std::string text(payload.begin(), payload.end());
    if (auto bad = FindInvalidUtf8(payload)) {
      d.Warning(*bad, ps, "text/plain: invalid UTF-8 at offset " + std::to_string(*bad) + " (charset=utf-8)",
                kRule);
    }
    const ResourceModel* rm = target.model;
    if (!rm) {
      d.Error(std::nullopt, ps,
              "text/plain: " + NoModelReason(ctx) + ", so the data type of the text value is unknown (kept as String)",
              kRule);
      return Value::String(text);
    }
    if (IsWholeMultipleResource(rm, p)) {
      d.Error(std::nullopt, ps,
              "text/plain: " + ps + " is a Multiple Resource; text/plain carries a single Resource Instance only",
              kRule);
    }
    if (!rm->multiple && p.level() == Path::Level::kResourceInstance) {
      d.Error(std::nullopt, ps,
              "text/plain: " + p.Parent().ToString() + " is a single-instance Resource in the model; " + ps +
                  " does not exist",
              kRule);
    }
    Result<Value> v = Value::FromText(text, rm->type);
    if (!v) {
      d.Error(0, ps,
              "text/plain: " + ps + " is " + std::string(DataTypeName(rm->type)) + ": " + v.status().message(),
              kRule);
      return std::nullopt;
    }
    return std::move(*v);
  }
};

}  // namespace

std::unique_ptr<Codec> MakeTextPlainCodec() { return std::make_unique<TextPlainCodec>(); }

}  // namespace lwm2m
