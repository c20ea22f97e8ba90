// bind_client.cc: the reference LwM2M client (reference-client/client.h) as lwm2m_harness.Client:
// start/stop, upper-tester verbs (register, update, deregister, send), local access to its data
// model (set, get, read), registration state and events. A background loop (Pump) runs its timers
// and answers the server between Python calls.
#include <optional>

#include "harness/python/bind_modules.h"
#include "harness/python/convert.h"
#include "reference-client/client.h"
#include "reference-client/client_config.h"

namespace lwm2m::py_binding {

using refclient::ClientEvent;
using refclient::Lwm2mClient;
using refclient::RegistrationState;

namespace {

std::optional<RegistrationState> ParseState(const std::string& s) {
  for (int i = 0; i <= static_cast<int>(RegistrationState::kFailed); ++i) {
    auto st = static_cast<RegistrationState>(i);
    if (s == refclient::RegistrationStateName(st)) return st;
  }
  return std::nullopt;
}

py::dict ServerStatusToPy(const refclient::ServerStatus& s) {
  py::dict d;
  d["ssid"] = s.ssid;
  d["state"] = std::string(refclient::RegistrationStateName(s.state));
  d["location"] = SafeStr(s.location);
  d["version"] = s.version;
  d["uri"] = s.uri;
  d["transport"] = std::string(coap::TransportName(s.transport));
  d["lifetime"] = s.lifetime;
  d["binding"] = s.binding;
  d["queue_asleep"] = s.queue_asleep;
  d["attempts"] = s.attempts;
  d["observations"] = s.observations;
  return d;
}

class PyClient {
 public:
  explicit PyClient(refclient::ClientOptions o) : options_(std::move(o)) {}
  ~PyClient() { Close(false); }

  void Start() {
    if (client_) throw Error{"the client is already started", ""};
    auto c = std::make_unique<Lwm2mClient>(options_);
    Status st;
    {
      py::gil_scoped_release nogil;
      st = c->Start();
    }
    if (!st.ok()) ThrowStatus(st, "Client.start");
    client_ = std::move(c);
    Lwm2mClient* raw = client_.get();
    pump_.Start([raw] { raw->Poll(std::chrono::milliseconds(20)); }, [raw] { raw->context().Wake(); });
  }

  void Close(bool deregister, double timeout = 3.0) {
    auto ms = std::chrono::milliseconds(static_cast<int64_t>(timeout * 1000));
    {
      py::gil_scoped_release nogil;
      pump_.Stop();
      if (client_) client_->Stop(deregister, ms);
    }
    client_.reset();
  }

  Lwm2mClient& C() {
    if (!client_) throw Error{"the client is not started: call start() first (or use it as a context manager)", ""};
    return *client_;
  }

  template <typename F>
  auto Locked(F&& f) {
    Lwm2mClient& c = C();
    py::gil_scoped_release nogil;
    Pump::Lock l(pump_);
    return f(c);
  }

  void Check(const Status& s, const std::string& what) {
    if (!s.ok()) ThrowStatus(s, what);
  }

  void Set(const std::string& path, const py::object& value, const py::object& type) {
    Path p = PathFromPy(path);
    std::optional<DataType> t;
    if (!type.is_none()) {
      t = ParseDataType(std::string(py::str(type)));
      if (!t) throw py::value_error("unknown LwM2M data type '" + std::string(py::str(type)) + "'");
    }
    if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value) || py::isinstance<py::dict>(value)) {
      // A Multiple Resource: a list (instances 0..n-1) or {instance id: value}.
      std::map<uint16_t, Value> inst;
      if (py::isinstance<py::dict>(value)) {
        for (auto [k, v] : py::reinterpret_borrow<py::dict>(value)) {
          uint16_t id = k.cast<uint16_t>();
          inst[id] = ValueFromPy(v, t, p.Child(id));
        }
      } else {
        uint16_t id = 0;
        for (auto v : value) {
          inst[id] = ValueFromPy(v, t, p.Child(id));
          ++id;
        }
      }
      Check(Locked([&](Lwm2mClient& c) { return c.dm().SetMulti(p, inst); }), "set " + path);
      return;
    }
    Value v = ValueFromPy(value, t, p);
    Check(Locked([&](Lwm2mClient& c) { return c.dm().SetValue(p, v); }), "set " + path);
  }

  py::object Get(const std::string& path) {
    Path p = PathFromPy(path);
    auto v = Locked([&](Lwm2mClient& c) { return c.dm().GetValue(p); });
    if (!v) throw Error{"get " + path + ": no such resource (or it has several instances: use read())", "4.04"};
    return ValueToPy(*v);
  }

  py::list Read(const std::string& path) {
    Path p = PathFromPy(path);
    Content c = Locked([&](Lwm2mClient& cl) { return cl.dm().Read(p); });
    return RecordsToPy(c.records);
  }

  std::string State(std::optional<uint16_t> ssid) {
    auto servers = Locked([&](Lwm2mClient& c) { return c.Servers(); });
    for (const auto& s : servers)
      if (!ssid || s.ssid == *ssid) return std::string(refclient::RegistrationStateName(s.state));
    if (ssid) throw Error{"no server account with Short Server ID " + std::to_string(*ssid), "4.04"};
    return "idle";
  }

  void WaitForState(const std::string& state, std::optional<uint16_t> ssid, double timeout) {
    auto want = ParseState(state);
    if (!want)
      throw py::value_error("state is one of idle, waiting, registering, registered, updating, deregistering, "
                            "deregistered, disabled, failed, not '" + state + "'");
    auto ms = ToMs(timeout, "timeout");
    bool ok = Locked([&](Lwm2mClient& c) {
      return c.RunUntil([&] {
        for (const auto& s : c.Servers())
          if ((!ssid || s.ssid == *ssid) && s.state == *want) return true;
        return false;
      }, ms);
    });
    if (!ok)
      throw Timeout{"client '" + options_.config.endpoint + "' did not reach state '" + state + "'" +
                    (ssid ? " with server " + std::to_string(*ssid) : std::string()) + " within " +
                    std::to_string(ms.count()) + " ms (now: " + State(ssid) + ")"};
  }

  Pump pump_;
  refclient::ClientOptions options_;

 private:
  std::unique_ptr<Lwm2mClient> client_;
};

refclient::ClientOptions OptionsFromPy(const std::string& endpoint, const std::optional<std::string>& server_uri,
                                       uint32_t lifetime, const std::string& version,
                                       const std::optional<std::string>& psk_identity, const py::object& psk_key,
                                       const std::optional<std::string>& config, double time_scale,
                                       const std::vector<std::string>& faults, bool populate_defaults) {
  refclient::ClientOptions o;
  if (config) {
    auto c = refclient::LoadClientConfigFile(*config);
    if (!c) {
      std::string m = c.status().message();
      LoadFailure f{m, *config, 0, {m}};
      if (m.rfind(*config + ":", 0) == 0) f.line = std::atoi(m.c_str() + config->size() + 1);
      throw f;
    }
    o.config = *c;
  } else {
    o.config.endpoint = endpoint;
    o.config.lwm2m_version = version;
    o.config.time_scale = time_scale;
  }
  if (server_uri) {
    refclient::ServerAccount a;
    a.uri = *server_uri;
    a.lifetime = lifetime;
    if (psk_identity) {
      a.security.mode = 0;
      a.security.psk_identity = *psk_identity;
      if (py::isinstance<py::bytes>(psk_key)) {
        std::string s = psk_key.cast<std::string>();
        a.security.psk_key = Bytes(s.begin(), s.end());
      } else if (!psk_key.is_none()) {
        auto b = HexDecode(std::string(py::str(psk_key)));
        if (!b) throw py::value_error("psk_key is bytes or hex text: " + b.status().message());
        a.security.psk_key = *b;
      }
    }
    o.config.factory.servers = {a};
    o.config.factory.present = true;
  }
  for (const auto& f : faults) o.config.faults.push_back(f);
  o.populate_defaults = populate_defaults;
  return o;
}

}  // namespace

void BindClient(py::module_& m) {
  py::class_<ClientEvent>(m, "ClientEvent", "One event of the reference client's stream.")
      .def_property_readonly("kind", [](const ClientEvent& e) { return std::string(refclient::ClientEventKindName(e.kind)); },
                             "request, response, registered, updated, deregistered, registration-failed, ...")
      .def_readonly("ssid", &ClientEvent::ssid, "The server concerned (0: bootstrap server or none).")
      .def_property_readonly("code", [](const ClientEvent& e) { return CoapCodeString(e.code); })
      .def_property_readonly("state", [](const ClientEvent& e) { return std::string(refclient::RegistrationStateName(e.state)); })
      .def_property_readonly("detail", LWM2M_PY_TEXT(ClientEvent, detail))
      .def_property_readonly("summary", [](const ClientEvent& e) { return SafeStr(e.Summary()); }, "One log line.")
      .def("__repr__", [](const ClientEvent& e) { return SafeStr("<ClientEvent " + e.Summary() + ">"); });

  py::class_<PyClient>(m, "Client", R"doc(The reference LwM2M 1.2 client.

Client(endpoint="node1", server_uri=server.uri()) registers with one server account (NoSec, or
PSK with psk_identity/psk_key) once start() is called, with the demo objects (/3, /4, /5, /3303,
/3200) populated; or Client(config="client.yaml") takes an lwm2m-ref-client configuration file
(errors raise LoadError with file and line). A background loop runs its timers and answers
requests; waits raise lwm2m_harness.TimeoutError. Use it as a context manager.)doc")
      .def(py::init([](const std::string& endpoint, const std::optional<std::string>& server_uri, uint32_t lifetime,
                       const std::string& version, const std::optional<std::string>& psk_identity,
                       const py::object& psk_key, const std::optional<std::string>& config, double time_scale,
                       const std::vector<std::string>& faults, bool populate_defaults) {
             return std::make_unique<PyClient>(OptionsFromPy(endpoint, server_uri, lifetime, version, psk_identity,
                                                             psk_key, config, time_scale, faults, populate_defaults));
           }),
           py::arg("endpoint") = "lwm2m-ref-client", py::arg("server_uri") = py::none(), py::arg("lifetime") = 300,
           py::arg("lwm2m_version") = "1.2", py::arg("psk_identity") = py::none(), py::arg("psk_key") = py::none(),
           py::arg("config") = py::none(), py::arg("time_scale") = 1.0,
           py::arg("faults") = std::vector<std::string>{}, py::arg("populate_defaults") = true)
      .def_property_readonly("endpoint", [](const PyClient& c) { return c.options_.config.endpoint; },
                             "The Endpoint Client Name.")
      .def("start", &PyClient::Start, "Provisions the data model and starts registering (or bootstrapping).")
      .def("stop", [](PyClient& c, bool deregister, double timeout) { c.Close(deregister, timeout); },
           py::arg("deregister") = true, py::arg("timeout") = 3.0,
           "De-registers (waiting up to `timeout` seconds) and closes the sessions.")
      .def("__enter__", [](PyClient& c) -> PyClient& { c.Start(); return c; }, py::return_value_policy::reference)
      .def("__exit__", [](PyClient& c, py::args) { c.Close(true); })
      .def("set", &PyClient::Set, py::arg("path"), py::arg("value"), py::arg("type") = py::none(),
           "Sets a resource locally (typed by the object model unless `type` is given); a list or "
           "{instance: value} sets a Multiple Resource. Observers are notified as for any change.")
      .def("get", &PyClient::Get, py::arg("path"), "The value of a single resource or resource instance.")
      .def("read", &PyClient::Read, py::arg("path") = "/",
           "Every record under `path` as [{\"path\", \"type\", \"value\", \"time\"}] (no access control).")
      .def("create_instance", [](PyClient& c, uint16_t oid, uint16_t iid) {
             c.Check(c.Locked([&](Lwm2mClient& cl) { return cl.dm().CreateInstance(oid, iid); }), "create_instance");
           }, py::arg("object_id"), py::arg("instance_id"), "Creates an object instance locally.")
      .def("delete_instance", [](PyClient& c, const std::string& path) {
             Path p = PathFromPy(path);
             c.Check(c.Locked([&](Lwm2mClient& cl) { return cl.dm().DeleteInstance(p); }), "delete_instance");
           }, py::arg("path"), "Deletes an object instance locally.")
      .def("register", [](PyClient& c, std::optional<uint16_t> ssid) {
             c.Check(c.Locked([&](Lwm2mClient& cl) { return cl.Register(ssid); }), "register");
           }, py::arg("ssid") = py::none(), "(Re-)Register now (with every server, or `ssid`).")
      .def("update", [](PyClient& c, std::optional<uint16_t> ssid) {
             c.Check(c.Locked([&](Lwm2mClient& cl) { return cl.Update(ssid); }), "update");
           }, py::arg("ssid") = py::none(), "Sends an Update now.")
      .def("deregister", [](PyClient& c, std::optional<uint16_t> ssid) {
             c.Check(c.Locked([&](Lwm2mClient& cl) { return cl.Deregister(ssid); }), "deregister");
           }, py::arg("ssid") = py::none(), "Sends a De-register now.")
      .def("send", [](PyClient& c, const std::vector<std::string>& paths, std::optional<uint16_t> ssid) {
             std::vector<Path> ps;
             for (const auto& p : paths) ps.push_back(PathFromPy(p));
             c.Check(c.Locked([&](Lwm2mClient& cl) { return cl.Send(ps, ssid); }), "send");
           }, py::arg("paths"), py::arg("ssid") = py::none(), "Send (POST /dp) the values of `paths` in SenML CBOR.")
      .def("state", &PyClient::State, py::arg("ssid") = py::none(),
           "Registration state with `ssid` (the first server when None): idle, waiting, registering, registered, ...")
      .def("wait_for_state", &PyClient::WaitForState, py::arg("state"), py::arg("ssid") = py::none(),
           py::arg("timeout") = 5.0, "Waits until a server's registration state is `state`; TimeoutError otherwise.")
      .def("servers", [](PyClient& c) {
             auto s = c.Locked([](Lwm2mClient& cl) { return cl.Servers(); });
             py::list l;
             for (const auto& x : s) l.append(ServerStatusToPy(x));
             return l;
           }, "Every server account: [{\"ssid\", \"state\", \"location\", \"version\", \"uri\", \"transport\", ...}].")
      .def("events", [](PyClient& c) { return c.Locked([](Lwm2mClient& cl) { return cl.TakeEvents(); }); },
           "Takes the queued events (oldest first).");
}

}  // namespace lwm2m::py_binding
