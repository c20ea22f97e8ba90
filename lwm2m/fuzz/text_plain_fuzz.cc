// text_plain_fuzz.cc: libFuzzer target for the text_plain decoder (see fuzz_decode.h).
#include "lwm2m/fuzz/fuzz_decode.h"

LWM2M_DECODE_FUZZER(kTextPlain)
