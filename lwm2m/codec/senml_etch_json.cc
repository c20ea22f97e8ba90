// senml_etch_json.cc: the SenML-ETCH JSON codec, application/senml-etch+json,
// Content-Format 320 (RFC 8790; Core TS 1.2 Read-/Observe-Composite FETCH
// bodies and Write-Composite iPATCH bodies): the SenML JSON front end
// (senml_json.h) with the Fetch/Patch Pack rules of senml_common.h.
#include "lwm2m/codec/senml_json.h"

namespace lwm2m {

std::unique_ptr<Codec> MakeSenmlEtchJsonCodec() {
  return std::make_unique<SenmlCodec>(ContentFormat::kSenmlEtchJson, "senml-etch-json", kSenmlEtchJsonOptions,
                                      ParseSenmlJson, WriteSenmlJson);
}

}  // namespace lwm2m
