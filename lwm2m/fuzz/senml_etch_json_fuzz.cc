// senml_etch_json_fuzz.cc: libFuzzer target for the senml_etch_json decoder (see fuzz_decode.h).
#include "lwm2m/fuzz/fuzz_decode.h"

LWM2M_DECODE_FUZZER(kSenmlEtchJson)
