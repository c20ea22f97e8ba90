// text_plain.cc: text/plain (Core TS 1.2 §7.4.1). One value of a Resource or
// Resource Instance, in the text representation of its model data type.
#include "lwm2m/codec/text_plain.h"

#include <optional>
#include <string>

namespace lwm2m {
namespace {

constexpr const char* kRule = "Core TS 1.2 §7.4.1";

std::optional<size_t> FindInvalidUtf8(std::span<const uint8_t> d) {
  size_t i = 0;
  while (i < d.size()) {
    const uint8_t c = d[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t min, cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return i;
    }
    if (d.size() - i < len) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((d[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (d[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::nullopt;
}

bool IsValuePath(const Path& p) {
  return p.level() == Path::Level::kResource || p.level() == Path::Level::kResourceInstance;
}

class TextPlainCodec final : public Codec {
 public:
  ContentFormat format() const override { return ContentFormat::kTextPlain; }
  std::string_view name() const override { return "text"; }

  DecodeResult Decode(std::span<const uint8_t> payload, const CodecContext& ctx) const override {
    DecodeResult r;
    Diagnostics d;
    const Path& p = ctx.request_path;
    const std::string ps = p.ToString();
    if (!IsValuePath(p)) {
      d.Error(std::nullopt, ps,
              "text/plain: carries one value of a Resource or Resource Instance; " + ps +
                  " is not a resource or resource-instance path",
              kRule);
      r.diagnostics = d.Take();
      return r;
    }
    const std::string text(payload.begin(), payload.end());
    if (auto bad = FindInvalidUtf8(payload)) {
      d.Warning(*bad, ps, "text/plain: invalid UTF-8 at offset " + std::to_string(*bad) + " (charset=utf-8)",
                kRule);
    }
    const ResourceModel* rm = ctx.models ? ctx.models->FindResource(p) : nullptr;
    if (!rm) {
      d.Error(std::nullopt, ps,
              std::string("text/plain: ") +
                  (ctx.models ? "no model for " + ps : std::string("no object models given")) +
                  ", so the data type of the text value is unknown (kept as String)",
              kRule);
      r.content.records.push_back({p, Value::String(text), std::nullopt});
      r.diagnostics = d.Take();
      return r;
    }
    if (rm->multiple && p.level() == Path::Level::kResource) {
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
    } else {
      r.content.records.push_back({p, std::move(*v), std::nullopt});
    }
    r.diagnostics = d.Take();
    return r;
  }

  Result<Bytes> Encode(const Content& content, const CodecContext& ctx) const override {
    const Path& p = ctx.request_path;
    if (!IsValuePath(p)) {
      return NotAcceptable("text/plain: " + p.ToString() + " is not a resource or resource-instance path [" + kRule +
                           "]");
    }
    if (content.records.size() != 1 || !content.links.empty()) {
      return NotAcceptable("text/plain: carries exactly one value, " + std::to_string(content.records.size()) +
                           " records given [" + kRule + "]");
    }
    const Record& rec = content.records[0];
    if (rec.path != p) {
      return BadRequest("text/plain: record " + rec.path.ToString() + " is not the request path " + p.ToString());
    }
    if (rec.value.is_none()) return NotAcceptable("text/plain: " + p.ToString() + " has no value to write");
    if (const ResourceModel* rm = ctx.models ? ctx.models->FindResource(p) : nullptr) {
      if (rm->multiple && p.level() == Path::Level::kResource) {
        return NotAcceptable("text/plain: " + p.ToString() + " is a Multiple Resource [" + kRule + "]");
      }
    }
    const std::string t = rec.value.ToText();
    return Bytes(t.begin(), t.end());
  }
};

}  // namespace

std::unique_ptr<Codec> MakeTextPlainCodec() { return std::make_unique<TextPlainCodec>(); }

}  // namespace lwm2m
