// lwm2m_json_fuzz.cc: libFuzzer target for the lwm2m_json decoder (see fuzz_decode.h).
#include "lwm2m/fuzz/fuzz_decode.h"

LWM2M_DECODE_FUZZER(kLwm2mJson)
