// wire.h: the whole wire in one include: addresses, the pcapng Recorder, the fault-injecting Relay,
// and one-line summaries of what crossed it.
//   #include "harness/wire/wire.h"
//   auto rec = lwm2m::wire::Recorder::Open(dir + "/capture.pcapng");
#pragma once

#include "harness/wire/address.h"
#include "harness/wire/recorder.h"
#include "harness/wire/relay.h"
#include "harness/wire/summary.h"
