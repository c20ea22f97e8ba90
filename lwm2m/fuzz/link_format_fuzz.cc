// link_format_fuzz.cc: libFuzzer target for the link_format decoder (see fuzz_decode.h).
#include "lwm2m/fuzz/fuzz_decode.h"

LWM2M_DECODE_FUZZER(kLinkFormat)
