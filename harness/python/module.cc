// module.cc: the compiled module `lwm2m_harness._lwm2m_harness` (re-exported by the package
// lwm2m_harness): codecs, the reference server and client, the engine. Bindings only (STYLE.md #13).
#include "coap/context.h"
#include "harness/python/bind_modules.h"
#include "harness/python/convert.h"

PYBIND11_MODULE(_lwm2m_harness, m) {
  namespace pb = lwm2m::py_binding;
  m.doc() = "LwM2M 1.2 conformance harness: codecs, reference server and client, the engine (bindings).";
  m.attr("__version__") = LWM2M_HARNESS_VERSION;
  pb::RegisterExceptions(m);
  m.def("wire_tap_available", &lwm2m::coap::Context::WireTapAvailable,
        "coap::Context::WireTapAvailable() as the C++ side reports it. In a Python process it says True, yet "
        "only libcoap's SSL_* calls reach coap/'s interposers (the module is dlopen'ed, libc's send/recv win): "
        "plain UDP/TCP traffic is not tapped, so runs from Python have no sequence-diagram messages and their "
        "captures hold the relay's datagrams only. Verdicts do not depend on the tap.");
  pb::BindCodec(m);
  pb::BindServer(m);
#ifdef LWM2M_PY_HAVE_CLIENT
  pb::BindClient(m);
#endif
#ifdef LWM2M_PY_HAVE_ENGINE
  pb::BindEngine(m);
#endif
}
