#include "reference-client/dm/format.h"

#include "lwm2m/codec/codec.h"

namespace lwm2m::refclient {
namespace {

bool IsSingleValue(const std::vector<Record>& records, const Path& path, const ModelRegistry& models) {
  if (path.level() == Path::Level::kResourceInstance) return true;
  if (path.level() != Path::Level::kResource) return false;
  const ResourceModel* rm = models.FindResource(path);
  if (rm) return !rm->multiple;
  return records.size() == 1 && records[0].path == path;
}

bool IsHierarchical(ContentFormat f) {
  return f == ContentFormat::kTlv || f == ContentFormat::kSenmlCbor || f == ContentFormat::kSenmlJson ||
         f == ContentFormat::kLwm2mCbor || f == ContentFormat::kLwm2mJson;
}

}  // namespace

bool VersionSupports(std::string_view version, ContentFormat f) {
  switch (f) {
    case ContentFormat::kTextPlain:
    case ContentFormat::kOpaque:
    case ContentFormat::kLinkFormat:
    case ContentFormat::kTlv: return true;
    // Core TS 1.1 §7.4.7: LwM2M JSON is 1.0's; a 1.1+ client MUST NOT use it.
    case ContentFormat::kLwm2mJson: return version == "1.0";
    case ContentFormat::kCbor:
    case ContentFormat::kSenmlJson:
    case ContentFormat::kSenmlCbor: return version != "1.0";
    // Core TS 1.2 §7.4.8 (LwM2M CBOR) and §7.4.5 (SenML-ETCH for composite operations) are 1.2.
    case ContentFormat::kLwm2mCbor:
    case ContentFormat::kSenmlEtchJson:
    case ContentFormat::kSenmlEtchCbor: return version == "1.2";
  }
  return false;
}

ContentFormat DefaultFormat(const std::vector<Record>& records, const Path& path, std::string_view version,
                            const ModelRegistry& models, bool composite) {
  if (composite) return ContentFormat::kSenmlCbor;
  if (IsSingleValue(records, path, models)) {
    const ResourceModel* rm = models.FindResource(path);
    if (rm && rm->type == DataType::kOpaque) return ContentFormat::kOpaque;
    return ContentFormat::kTextPlain;
  }
  return version == "1.0" ? ContentFormat::kTlv : ContentFormat::kSenmlCbor;
}

Result<Encoded> EncodeRecords(const std::vector<Record>& records, const Path& path,
                              std::optional<ContentFormat> accept, std::string_view version,
                              const ModelRegistry& models, bool composite) {
  ContentFormat f = accept ? *accept : DefaultFormat(records, path, version, models, composite);
  const std::string label = ContentFormatLabel(static_cast<uint16_t>(f));
  if (!VersionSupports(version, f) || f == ContentFormat::kLinkFormat || f == ContentFormat::kSenmlEtchCbor ||
      f == ContentFormat::kSenmlEtchJson)
    return NotAcceptable("Accept " + label + " is no data format a " + std::string(version) +
                         " client answers a Read with (Core TS 1.2 §7.4)");
  const bool single = !composite && IsSingleValue(records, path, models);
  if (composite) {
    // Core TS 1.2 §6.3.8: composite responses use SenML JSON/CBOR or LwM2M CBOR.
    if (f != ContentFormat::kSenmlCbor && f != ContentFormat::kSenmlJson && f != ContentFormat::kLwm2mCbor)
      return NotAcceptable("Accept " + label + " cannot carry a composite response (Core TS 1.2 §6.3.8)");
  } else if (!single && !IsHierarchical(f)) {
    return NotAcceptable("Accept " + label + " carries one value; " + path.ToString() +
                         " has several (Core TS 1.2 §7.4)");
  }
  if (single && f == ContentFormat::kOpaque) {
    const ResourceModel* rm = models.FindResource(path);
    if (!rm || rm->type != DataType::kOpaque)
      return NotAcceptable("Accept opaque (42) for " + path.ToString() +
                           ", which is not an Opaque resource (Core TS 1.2 §7.4.2)");
  }
  const Codec* codec = FindCodec(f);
  if (!codec) return NotAcceptable("no codec for " + label);
  Content content;
  content.records = records;
  CodecContext ctx;
  ctx.request_path = composite ? Path() : path;
  ctx.models = &models;
  ctx.lwm2m_version = version;
  Result<Bytes> bytes = codec->Encode(content, ctx);
  if (!bytes) return NotAcceptable(bytes.status().message());
  return Encoded{f, std::move(*bytes)};
}

}  // namespace lwm2m::refclient
