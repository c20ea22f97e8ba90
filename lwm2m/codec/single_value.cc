// single_value.cc: the path, model and record checks shared by the text/plain,
// opaque and CBOR codecs (Core TS 1.2 §7.4.1, §7.4.2, §7.4.6).
#include "lwm2m/codec/single_value.h"

namespace lwm2m {
namespace {

bool IsValuePath(const Path& p) {
  return p.level() == Path::Level::kResource || p.level() == Path::Level::kResourceInstance;
}

}  // namespace

std::string NoModelReason(const CodecContext& ctx) {
  return ctx.models ? "no model for " + ctx.request_path.ToString() : std::string("no object models given");
}

bool IsWholeMultipleResource(const ResourceModel* rm, const Path& p) {
  return rm && rm->multiple && p.level() == Path::Level::kResource;
}

DecodeResult SingleValueCodec::Decode(std::span<const uint8_t> payload, const CodecContext& ctx) const {
  DecodeResult r;
  Diagnostics d;
  const Path& p = ctx.request_path;
  SingleValueTarget target{p.ToString(), nullptr};
  if (!IsValuePath(p)) {
    d.Error(std::nullopt, target.path_text,
            std::string(format_.prefix) + ": " + std::string(format_.carries) + " " + std::string(format_.what) +
                "; " + target.path_text + " is not a resource or resource-instance path",
            std::string(format_.rule));
  } else {
    target.model = ctx.models ? ctx.models->FindResource(p) : nullptr;
    if (std::optional<Value> v = DecodeValue(payload, ctx, target, d))
      r.content.records.push_back({p, std::move(*v), std::nullopt});
  }
  r.diagnostics = d.Take();
  return r;
}

Result<const Record*> SingleValueCodec::RecordToEncode(const Content& content, const Path& p) const {
  const std::string prefix(format_.prefix);
  const std::string rule(format_.rule);
  if (!IsValuePath(p)) {
    return NotAcceptable(prefix + ": " + p.ToString() + " is not a resource or resource-instance path [" + rule + "]");
  }
  if (content.records.size() != 1 || !content.links.empty()) {
    return NotAcceptable(prefix + ": " + std::string(format_.carries) + " exactly one value, " +
                         std::to_string(content.records.size()) + " records given [" + rule + "]");
  }
  const Record& rec = content.records[0];
  if (rec.path != p) {
    return BadRequest(prefix + ": record " + rec.path.ToString() + " is not the request path " + p.ToString());
  }
  return &rec;
}

Result<const Record*> SingleValueCodec::ValueToEncode(const Content& content, const CodecContext& ctx) const {
  const Path& p = ctx.request_path;
  Result<const Record*> rec = RecordToEncode(content, p);
  if (!rec) return rec;
  const std::string prefix(format_.prefix);
  if ((*rec)->value.is_none()) return NotAcceptable(prefix + ": " + p.ToString() + " has no value to write");
  if (IsWholeMultipleResource(ctx.models ? ctx.models->FindResource(p) : nullptr, p)) {
    return NotAcceptable(prefix + ": " + p.ToString() + " is a Multiple Resource [" + std::string(format_.rule) + "]");
  }
  return rec;
}

}  // namespace lwm2m
