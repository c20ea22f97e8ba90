// senml_etch_cbor.cc: the SenML-ETCH CBOR codec, application/senml-etch+cbor,
// Content-Format 322 (RFC 8790; Core TS 1.2 Read-/Observe-Composite FETCH
// bodies and Write-Composite iPATCH bodies): the SenML CBOR front end
// (senml_cbor.h) with the Fetch/Patch Pack rules of senml_common.h.
#include "lwm2m/codec/senml_cbor.h"

namespace lwm2m {

std::unique_ptr<Codec> MakeSenmlEtchCborCodec() {
  return std::make_unique<SenmlCodec>(ContentFormat::kSenmlEtchCbor, "senml-etch-cbor", kSenmlEtchCborOptions,
                                      ParseSenmlCbor, WriteSenmlCbor);
}

}  // namespace lwm2m
