// senml_etch_cbor_fuzz.cc: libFuzzer target for the senml_etch_cbor decoder (see fuzz_decode.h).
#include "lwm2m/fuzz/fuzz_decode.h"

LWM2M_DECODE_FUZZER(kSenmlEtchCbor)
