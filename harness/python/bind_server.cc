// bind_server.cc: the reference LwM2M server (reference-server/server.h) as lwm2m_harness.Server,
// with its Device Management and Information Reporting verbs, registrations and events. A
// background loop (Pump) answers Register/Update/notifications between Python calls; every verb
// releases the GIL while it waits on the network.
#include <optional>

#include "harness/python/bind_modules.h"
#include "harness/python/convert.h"
#include "lwm2m/attributes.h"
#include "lwm2m/operation.h"
#include "reference-server/server.h"
#include "reference-server/server_config.h"

namespace lwm2m::py_binding {

using refserver::Lwm2mServer;
using refserver::OperationResult;
using refserver::Registration;
using refserver::ServerEvent;
using refserver::ServerEventKind;

namespace {

std::optional<coap::Transport> ParseTransport(const std::string& t) {
  for (auto x : {coap::Transport::kUdp, coap::Transport::kDtls, coap::Transport::kTcp, coap::Transport::kTls})
    if (t == coap::TransportName(x)) return x;
  return std::nullopt;
}

Bytes KeyFromPy(const py::handle& k) {
  if (py::isinstance<py::bytes>(k)) {
    std::string s = k.cast<std::string>();
    return Bytes(s.begin(), s.end());
  }
  auto b = HexDecode(std::string(py::str(k)));
  if (!b) throw py::value_error("a PSK key is bytes or hex text: " + b.status().message());
  return *b;
}

bool IsTimeout(const Status& s) { return s.message().rfind("no response", 0) == 0; }

template <typename T>
T Unwrap(Result<T> r, const std::string& what) {
  if (r) return std::move(*r);
  if (IsTimeout(r.status())) throw Timeout{what + ": " + r.status().message()};
  ThrowStatus(r.status(), what);
}

NotificationAttributes AttributesFromPy(const py::object& attrs) {
  NotificationAttributes a;
  if (attrs.is_none()) return a;
  std::vector<std::string> q;
  if (py::isinstance<py::dict>(attrs)) {
    for (auto [k, v] : py::reinterpret_borrow<py::dict>(attrs)) {
      std::string item = py::str(k);
      if (!v.is_none()) {
        if (py::isinstance<py::bool_>(v)) item += v.cast<bool>() ? "=1" : "=0";
        else item += "=" + std::string(py::str(v));
      }
      q.push_back(item);
    }
  } else if (py::isinstance<py::str>(attrs)) {
    std::string s = attrs.cast<std::string>();
    for (size_t at = 0; at <= s.size();) {
      size_t amp = s.find('&', at);
      if (amp == std::string::npos) amp = s.size();
      if (amp > at) q.push_back(s.substr(at, amp - at));
      at = amp + 1;
    }
  } else {
    q = attrs.cast<std::vector<std::string>>();
  }
  auto r = ParseNotificationAttributes(q);
  if (r.HasErrors()) {
    std::string msg = "bad notification attributes:";
    for (const auto& d : r.diagnostics) msg += " " + d.message + ";";
    throw py::value_error(msg);
  }
  return r.attributes;
}

std::vector<Path> PathsFromPy(const std::vector<std::string>& paths) {
  std::vector<Path> out;
  for (const auto& p : paths) out.push_back(PathFromPy(p));
  return out;
}

py::object OptionalPath(const std::optional<Path>& p) { return p ? py::object(py::str(p->ToString())) : py::object(py::none()); }
py::bytes ToPyBytes(const Bytes& b) { return py::bytes(reinterpret_cast<const char*>(b.data()), b.size()); }

py::list RegistrationObjectsToPy(const Registration& r) {
  py::list out;
  for (const auto& o : r.objects) {
    py::dict d;
    d["id"] = o.id;
    d["version"] = o.version;
    d["version_declared"] = o.version_declared;
    d["instances"] = py::cast(o.instances);
    out.append(d);
  }
  return out;
}

class PyServer {
 public:
  explicit PyServer(refserver::ServerConfig cfg) : config_(std::move(cfg)) {}
  ~PyServer() { Close(); }

  void Start() {
    if (server_) throw Error{"the server is already started", ""};
    auto s = std::make_unique<Lwm2mServer>(config_);
    Status st;
    {
      py::gil_scoped_release nogil;
      st = s->Start();
    }
    if (!st.ok()) ThrowStatus(st, "Server.start");
    server_ = std::move(s);
    Lwm2mServer* raw = server_.get();
    pump_.Start([raw] { raw->Poll(std::chrono::milliseconds(20)); }, [raw] { raw->context().Wake(); });
  }

  void Close() {
    {
      py::gil_scoped_release nogil;
      pump_.Stop();
    }
    server_.reset();
  }

  Lwm2mServer& S() {
    if (!server_) throw Error{"the server is not started: call start() first (or use it as a context manager)", ""};
    return *server_;
  }

  py::object Address(const std::string& transport) {
    auto t = ParseTransport(transport);
    if (!t) throw py::value_error("transport is one of udp, dtls, tcp, tls, not '" + transport + "'");
    auto a = S().address(*t);
    if (!a) return py::none();
    return py::str(a->ToString());
  }

  py::object Uri(const std::string& transport) {
    auto t = ParseTransport(transport);
    if (!t) throw py::value_error("transport is one of udp, dtls, tcp, tls, not '" + transport + "'");
    auto a = S().address(*t);
    if (!a) return py::none();
    static const char* schemes[] = {"coap://", "coaps://", "coap+tcp://", "coaps+tcp://"};
    return py::str(schemes[static_cast<int>(*t)] + a->ToString());
  }

  Registration WaitForRegistration(std::optional<std::string> endpoint, double timeout) {
    auto ms = ToMs(timeout, "timeout");
    Lwm2mServer& s = S();
    std::optional<Registration> found;
    {
      py::gil_scoped_release nogil;
      Pump::Lock l(pump_);
      auto match = [&](const Registration& r) { return !endpoint || r.endpoint == *endpoint; };
      for (const auto& r : s.Registrations())
        if (match(r)) found = r;
      if (!found) {
        auto ev = s.WaitFor([&](const ServerEvent& e) {
          return e.kind == ServerEventKind::kRegistered && e.registration && match(*e.registration);
        }, ms);
        if (ev) found = *ev->registration;
      }
    }
    if (!found)
      throw Timeout{"no Register" + (endpoint ? " from endpoint '" + *endpoint + "'" : std::string()) + " within " +
                    std::to_string(ms.count()) + " ms"};
    return *found;
  }

  ServerEvent WaitForEvent(const std::string& kind, std::optional<std::string> endpoint, double timeout) {
    auto ms = ToMs(timeout, "timeout");
    std::optional<ServerEventKind> k;
    for (auto x : {ServerEventKind::kRegistered, ServerEventKind::kUpdated, ServerEventKind::kDeregistered,
                   ServerEventKind::kExpired, ServerEventKind::kNotification, ServerEventKind::kSend,
                   ServerEventKind::kRequest})
      if (kind == refserver::ServerEventKindName(x)) k = x;
    if (!k)
      throw py::value_error("event kind is one of registered, updated, deregistered, expired, notification, send, "
                            "request, not '" + kind + "'");
    Lwm2mServer& s = S();
    std::optional<ServerEvent> ev;
    {
      py::gil_scoped_release nogil;
      Pump::Lock l(pump_);
      ev = s.WaitFor([&](const ServerEvent& e) { return e.kind == *k && (!endpoint || e.endpoint == *endpoint); }, ms);
    }
    if (!ev)
      throw Timeout{"no '" + kind + "' event" + (endpoint ? " for endpoint '" + *endpoint + "'" : std::string()) +
                    " within " + std::to_string(ms.count()) + " ms"};
    return std::move(*ev);
  }

  ServerEvent WaitForNotification(std::optional<py::bytes> token, std::optional<std::string> endpoint, double timeout) {
    auto ms = ToMs(timeout, "timeout");
    std::optional<Bytes> tok;
    if (token) {
      std::string t = *token;
      tok = Bytes(t.begin(), t.end());
    }
    Lwm2mServer& s = S();
    std::optional<ServerEvent> ev;
    {
      py::gil_scoped_release nogil;
      Pump::Lock l(pump_);
      ev = s.WaitFor([&](const ServerEvent& e) {
        return e.kind == ServerEventKind::kNotification && (!tok || e.token == *tok) &&
               (!endpoint || e.endpoint == *endpoint);
      }, ms);
    }
    if (!ev) throw Timeout{"no notification" + std::string(tok ? " with token " + HexEncode(*tok) : "") + " within " +
                           std::to_string(ms.count()) + " ms"};
    return std::move(*ev);
  }

  std::vector<Registration> Registrations() {
    Lwm2mServer& s = S();
    py::gil_scoped_release nogil;
    Pump::Lock l(pump_);
    return s.Registrations();
  }

  std::vector<ServerEvent> Events() {
    Lwm2mServer& s = S();
    py::gil_scoped_release nogil;
    Pump::Lock l(pump_);
    return s.TakeEvents();
  }

  // Runs one verb with the GIL released and the loop held; a missing response raises TimeoutError.
  template <typename F>
  OperationResult Verb(const std::string& what, F&& f) {
    Lwm2mServer& s = S();
    std::optional<Result<OperationResult>> r;
    {
      py::gil_scoped_release nogil;
      Pump::Lock l(pump_);
      r.emplace(f(s));
    }
    return Unwrap(std::move(*r), what);
  }

  static refserver::RequestOptions Options(const py::object& accept, const py::object& fmt, double timeout,
                                           const std::optional<py::bytes>& raw, bool confirmable) {
    refserver::RequestOptions o;
    o.accept = OptionalFormatFromPy(accept);
    o.format = OptionalFormatFromPy(fmt);
    o.timeout = ToMs(timeout, "timeout");
    if (raw) {
      std::string b = *raw;
      o.raw_payload = Bytes(b.begin(), b.end());
    }
    o.type = confirmable ? CoapType::kConfirmable : CoapType::kNonConfirmable;
    return o;
  }

  Pump pump_;

 private:
  refserver::ServerConfig config_;
  std::unique_ptr<Lwm2mServer> server_;
};

refserver::ServerConfig ConfigFromPy(const std::string& ip, bool udp, bool dtls, bool tcp, bool tls, int udp_port,
                                     int dtls_port, int tcp_port, int tls_port, const py::object& psk,
                                     const std::optional<std::vector<std::string>>& versions, bool allow_nosec,
                                     uint32_t default_lifetime, const std::optional<std::string>& config) {
  refserver::ServerConfig c;
  if (config) {
    auto rc = refserver::LoadRefServerConfigFile(*config);
    if (!rc) {
      // Messages read "srv.yaml:3:5: unknown key ..."; file and line are the message's first fields.
      std::string m = rc.status().message();
      LoadFailure f{m, *config, 0, {m}};
      if (m.rfind(*config + ":", 0) == 0) f.line = std::atoi(m.c_str() + config->size() + 1);
      throw f;
    }
    c = rc->server;
  }
  c.ip = ip;
  c.udp = udp;
  c.dtls = dtls;
  c.tcp = tcp;
  c.tls = tls;
  auto port = [](int p, const char* what) {
    if (p < 0 || p > 65535) throw py::value_error(std::string(what) + " must be 0..65535");
    return static_cast<uint16_t>(p);
  };
  c.udp_port = port(udp_port, "udp_port");
  c.dtls_port = port(dtls_port, "dtls_port");
  c.tcp_port = port(tcp_port, "tcp_port");
  c.tls_port = port(tls_port, "tls_port");
  if (!psk.is_none())
    for (auto [id, key] : py::reinterpret_borrow<py::dict>(psk)) c.psk_keys[std::string(py::str(id))] = KeyFromPy(key);
  if (versions) c.supported_versions = *versions;
  c.allow_nosec = allow_nosec;
  c.default_lifetime_s = default_lifetime;
  return c;
}

}  // namespace

void BindServer(py::module_& m) {
  py::class_<Registration>(m, "Registration", "One client's registration as the reference server holds it.")
      .def_property_readonly("endpoint", LWM2M_PY_TEXT(Registration, endpoint), "Endpoint Client Name (ep=).")
      .def_property_readonly("location", LWM2M_PY_TEXT(Registration, location), "The registration's location, \"/rd/5a3f0001\".")
      .def_readonly("lifetime", &Registration::lifetime_s, "Lifetime in seconds; None: infinite.")
      .def_property_readonly("binding", LWM2M_PY_TEXT(Registration, binding), "Binding mode (b=), \"U\" by default.")
      .def_readonly("queue_mode", &Registration::queue_mode, "True when the client registered with Q.")
      .def_property_readonly("version", LWM2M_PY_TEXT(Registration, version), "LwM2M enabler version (lwm2m=).")
      .def_property_readonly("psk_identity", LWM2M_PY_TEXT(Registration, psk_identity), "The (D)TLS PSK identity, \"\" over NoSec.")
      .def_property_readonly("transport", [](const Registration& r) { return std::string(coap::TransportName(r.transport)); },
                             "\"udp\", \"dtls\", \"tcp\" or \"tls\".")
      .def_property_readonly("remote", [](const Registration& r) { return SafeStr(r.remote.ToString()); },
                             "The client's address, \"127.0.0.1:40001\".")
      .def_property_readonly("objects", &RegistrationObjectsToPy, "Objects from the link list: [{\"id\", \"version\", \"version_declared\", \"instances\"}].")
      .def_property_readonly("links", [](const Registration& r) { return LinksToPy(r.links); },
                             "The Register payload's links: [{\"target\", \"params\"}].")
      .def_property_readonly("content_formats", [](const Registration& r) { return r.content_formats; },
                             "Content formats of the root link's ct=.")
      .def_property_readonly("diagnostics", [](const Registration& r) { return DiagnosticsToPy(r.diagnostics); },
                             "What the server found wrong in the last Register/Update.")
      .def("__repr__", [](const Registration& r) {
        return SafeStr("<Registration " + r.endpoint + " at " + r.location + " lwm2m=" + r.version + ">");
      });

  py::class_<OperationResult>(m, "OperationResult",
                              "What one Device Management or Information Reporting request ended with.")
      .def_property_readonly("code", [](const OperationResult& r) { return CoapCodeString(r.code); },
                             "The response code, \"2.05\".")
      .def_property_readonly("success", &OperationResult::success, "True for the operation's success code.")
      .def_property_readonly("kind", [](const OperationResult& r) { return std::string(ResponseKindName(r.kind)); },
                             "\"success\", \"notify\", \"error\", \"unexpected\", \"reset\", ...")
      .def_property_readonly("content_format", [](const OperationResult& r) { return FormatToPy(r.content_format); },
                             "The response's Content-Format name (\"senml-cbor\"), its number if unknown, or None.")
      .def_property_readonly("records", [](const OperationResult& r) { return RecordsToPy(r.content.records); },
                             "Decoded records: [{\"path\", \"type\", \"value\", \"time\"}].")
      .def_property_readonly("links", [](const OperationResult& r) { return LinksToPy(r.content.links); },
                             "Decoded links (Discover): [{\"target\", \"params\"}].")
      .def_property_readonly("values", [](const OperationResult& r) {
            py::dict d;
            for (const auto& rec : r.content.records) d[py::str(rec.path.ToString())] = ValueToPy(rec.value);
            return d;
          }, "The records as {path: value} (the last one wins for a time series).")
      .def_property_readonly("diagnostics", [](const OperationResult& r) { return DiagnosticsToPy(r.diagnostics); },
                             "Decoder and response-check diagnostics: [{\"severity\", \"offset\", \"path\", \"message\", \"rule\"}].")
      .def_property_readonly("payload", [](const OperationResult& r) { return ToPyBytes(r.response.payload); },
                             "The raw response payload.")
      .def_property_readonly("created", [](const OperationResult& r) { return OptionalPath(r.created); },
                             "Create: the new instance's path from Location-Path, else None.")
      .def_property_readonly("token", [](const OperationResult& r) { return ToPyBytes(r.token); },
                             "Observe: the observation's token (pass it to cancel_observation).")
      .def_readonly("observe", &OperationResult::observe, "Observe: the first response's sequence number.")
      .def_property_readonly("request", [](const OperationResult& r) { return SafeStr(r.operation.Summary()); },
                             "The request as one line, \"Read /3/0\".")
      .def("__repr__", [](const OperationResult& r) {
        return SafeStr("<OperationResult " + r.operation.Summary() + " -> " + CoapCodeString(r.code) + ">");
      });

  py::class_<ServerEvent>(m, "ServerEvent", "One event of the reference server's stream.")
      .def_property_readonly("kind", [](const ServerEvent& e) { return std::string(refserver::ServerEventKindName(e.kind)); },
                             "registered, updated, deregistered, expired, notification, send or request.")
      .def_property_readonly("endpoint", LWM2M_PY_TEXT(ServerEvent, endpoint), "The endpoint concerned, \"\" if none.")
      .def_property_readonly("location", LWM2M_PY_TEXT(ServerEvent, location))
      .def_readonly("registration", &ServerEvent::registration, "registered/updated: the registration after it.")
      .def_property_readonly("token", [](const ServerEvent& e) { return ToPyBytes(e.token); },
                             "notification: the observation's token.")
      .def_property_readonly("path", [](const ServerEvent& e) { return SafeStr(e.path.ToString()); }, "notification: the observed path.")
      .def_readonly("observe", &ServerEvent::observe, "notification: the Observe sequence number.")
      .def_readonly("confirmable", &ServerEvent::confirmable)
      .def_property_readonly("content_format", [](const ServerEvent& e) { return FormatToPy(e.content_format); })
      .def_property_readonly("records", [](const ServerEvent& e) { return RecordsToPy(e.content.records); })
      .def_property_readonly("values", [](const ServerEvent& e) {
            py::dict d;
            for (const auto& rec : e.content.records) d[py::str(rec.path.ToString())] = ValueToPy(rec.value);
            return d;
          }, "The records as {path: value}.")
      .def_property_readonly("diagnostics", [](const ServerEvent& e) { return DiagnosticsToPy(e.diagnostics); })
      .def_property_readonly("summary", [](const ServerEvent& e) { return SafeStr(e.Summary()); }, "One log line.")
      .def("__repr__", [](const ServerEvent& e) { return SafeStr("<ServerEvent " + e.Summary() + ">"); });

  py::class_<PyServer>(m, "Server", R"doc(The reference LwM2M 1.2 server.

Server(udp_port=0) listens on 127.0.0.1 with a kernel-chosen port once start() is called; a
background loop answers registrations between calls. Verbs wait for the response with the GIL
released and raise lwm2m_harness.TimeoutError when none arrives within `timeout` seconds; an
error response is a result (check .code), not an exception. Use it as a context manager.)doc")
      .def(py::init([](const std::string& ip, bool udp, bool dtls, bool tcp, bool tls, int udp_port, int dtls_port,
                       int tcp_port, int tls_port, const py::object& psk,
                       const std::optional<std::vector<std::string>>& versions, bool allow_nosec,
                       uint32_t default_lifetime, const std::optional<std::string>& config) {
             return std::make_unique<PyServer>(ConfigFromPy(ip, udp, dtls, tcp, tls, udp_port, dtls_port, tcp_port,
                                                            tls_port, psk, versions, allow_nosec, default_lifetime,
                                                            config));
           }),
           py::arg("ip") = "127.0.0.1", py::arg("udp") = true, py::arg("dtls") = false, py::arg("tcp") = false,
           py::arg("tls") = false, py::arg("udp_port") = 0, py::arg("dtls_port") = 0, py::arg("tcp_port") = 0,
           py::arg("tls_port") = 0, py::arg("psk") = py::none(), py::arg("versions") = py::none(),
           py::arg("allow_nosec") = true, py::arg("default_lifetime") = 86400, py::arg("config") = py::none(),
           "psk: {identity: key bytes or hex}; versions: accepted lwm2m= values (default 1.0, 1.1, 1.2); "
           "config: an lwm2m-ref-server YAML file whose server settings are the base (errors raise LoadError).")
      .def("start", &PyServer::Start, "Opens the endpoints and starts the background loop; Error when a port cannot be bound.")
      .def("close", &PyServer::Close, "Stops the loop and closes the endpoints.")
      .def("__enter__", [](PyServer& s) -> PyServer& { s.Start(); return s; }, py::return_value_policy::reference)
      .def("__exit__", [](PyServer& s, py::args) { s.Close(); })
      .def("address", &PyServer::Address, py::arg("transport") = "udp",
           "\"127.0.0.1:40001\" for an open transport (udp, dtls, tcp, tls), else None.")
      .def("uri", &PyServer::Uri, py::arg("transport") = "udp", "\"coap://127.0.0.1:40001\" (a client's server URI), or None.")
      .def("wait_for_registration", &PyServer::WaitForRegistration, py::arg("endpoint") = py::none(),
           py::arg("timeout") = 5.0,
           "The registration of `endpoint` (any when None), at once if it exists, else the next Register; "
           "TimeoutError after `timeout` seconds.")
      .def("wait_for_event", &PyServer::WaitForEvent, py::arg("kind"), py::arg("endpoint") = py::none(),
           py::arg("timeout") = 5.0, "The next queued event of `kind` (registered, updated, deregistered, expired, "
           "notification, send, request); TimeoutError after `timeout` seconds.")
      .def("wait_for_notification", &PyServer::WaitForNotification, py::arg("token") = py::none(),
           py::arg("endpoint") = py::none(), py::arg("timeout") = 5.0,
           "The next notification (of the observation with `token` when given); TimeoutError after `timeout` seconds.")
      .def("registrations", &PyServer::Registrations, "Every current registration.")
      .def("events", &PyServer::Events, "Takes the queued events (oldest first).")
      .def("read", [](PyServer& s, const std::string& ep, const std::string& path, const py::object& accept,
                      double timeout, bool confirmable) {
             Path p = PathFromPy(path);
             auto o = PyServer::Options(accept, py::none(), timeout, std::nullopt, confirmable);
             return s.Verb("read " + path + " on " + ep, [&](Lwm2mServer& x) { return x.Read(ep, p, o); });
           }, py::arg("endpoint"), py::arg("path"), py::arg("accept") = py::none(), py::arg("timeout") = 10.0,
           py::arg("confirmable") = true, "Read (GET) `path`; accept: a format name or number, or None.")
      .def("read_composite", [](PyServer& s, const std::string& ep, const std::vector<std::string>& paths,
                                const py::object& accept, const py::object& fmt, double timeout) {
             auto ps = PathsFromPy(paths);
             auto o = PyServer::Options(accept, fmt, timeout, std::nullopt, true);
             return s.Verb("read-composite on " + ep, [&](Lwm2mServer& x) { return x.ReadComposite(ep, ps, o); });
           }, py::arg("endpoint"), py::arg("paths"), py::arg("accept") = py::none(), py::arg("fmt") = py::none(),
           py::arg("timeout") = 10.0, "Read-Composite (FETCH /) of `paths`; fmt: the path list's format.")
      .def("discover", [](PyServer& s, const std::string& ep, const std::string& path, std::optional<uint8_t> depth,
                          double timeout) {
             Path p = PathFromPy(path);
             auto o = PyServer::Options(py::none(), py::none(), timeout, std::nullopt, true);
             return s.Verb("discover " + path + " on " + ep, [&](Lwm2mServer& x) { return x.Discover(ep, p, depth, o); });
           }, py::arg("endpoint"), py::arg("path"), py::arg("depth") = py::none(), py::arg("timeout") = 10.0,
           "Discover (GET, Accept link-format); the links are in .links.")
      .def("write", [](PyServer& s, const std::string& ep, const std::string& path, const py::object& values,
                       const py::object& fmt, bool partial, double timeout, std::optional<py::bytes> raw_payload) {
             Path p = PathFromPy(path);
             auto o = PyServer::Options(py::none(), fmt, timeout, raw_payload, true);
             Content c = ContentFromPy(values, o.format.value_or(ContentFormat::kSenmlCbor));
             auto mode = partial ? WriteMode::kPartialUpdate : WriteMode::kReplace;
             return s.Verb("write " + path + " on " + ep, [&](Lwm2mServer& x) { return x.Write(ep, p, c, mode, o); });
           }, py::arg("endpoint"), py::arg("path"), py::arg("values"), py::arg("fmt") = py::none(),
           py::arg("partial") = false, py::arg("timeout") = 10.0, py::arg("raw_payload") = py::none(),
           "Write (PUT replace, or POST when partial) `values` ({path: value} or records) under `path`; "
           "fmt None: the client's default format. raw_payload sends those bytes instead.")
      .def("write_composite", [](PyServer& s, const std::string& ep, const py::object& values, const py::object& fmt,
                                 double timeout) {
             auto o = PyServer::Options(py::none(), fmt, timeout, std::nullopt, true);
             Content c = ContentFromPy(values, o.format.value_or(ContentFormat::kSenmlCbor));
             return s.Verb("write-composite on " + ep, [&](Lwm2mServer& x) { return x.WriteComposite(ep, c, o); });
           }, py::arg("endpoint"), py::arg("values"), py::arg("fmt") = py::none(), py::arg("timeout") = 10.0,
           "Write-Composite (iPATCH /) of {path: value}.")
      .def("write_attributes", [](PyServer& s, const std::string& ep, const std::string& path, const py::object& attrs,
                                  double timeout) {
             Path p = PathFromPy(path);
             auto a = AttributesFromPy(attrs);
             auto o = PyServer::Options(py::none(), py::none(), timeout, std::nullopt, true);
             return s.Verb("write-attributes " + path + " on " + ep,
                           [&](Lwm2mServer& x) { return x.WriteAttributes(ep, p, a, o); });
           }, py::arg("endpoint"), py::arg("path"), py::arg("attributes"), py::arg("timeout") = 10.0,
           "Write-Attributes: attributes as {\"pmin\": 1, \"pmax\": 5, \"gt\": None (unset)}, \"pmin=1&pmax=5\" or a list.")
      .def("execute", [](PyServer& s, const std::string& ep, const std::string& path, const std::string& arguments,
                         double timeout) {
             Path p = PathFromPy(path);
             auto args = ParseExecuteArguments(arguments);
             if (!args) throw py::value_error("execute arguments: " + args.status().message());
             auto o = PyServer::Options(py::none(), py::none(), timeout, std::nullopt, true);
             return s.Verb("execute " + path + " on " + ep, [&](Lwm2mServer& x) { return x.Execute(ep, p, *args, o); });
           }, py::arg("endpoint"), py::arg("path"), py::arg("arguments") = "", py::arg("timeout") = 10.0,
           "Execute (POST) a resource; arguments as text: \"0='abc',1\".")
      .def("create", [](PyServer& s, const std::string& ep, const std::string& path, const py::object& values,
                        const py::object& fmt, double timeout) {
             Path p = PathFromPy(path);
             auto o = PyServer::Options(py::none(), fmt, timeout, std::nullopt, true);
             Content c = ContentFromPy(values, o.format.value_or(ContentFormat::kSenmlCbor));
             return s.Verb("create " + path + " on " + ep, [&](Lwm2mServer& x) { return x.Create(ep, p, c, o); });
           }, py::arg("endpoint"), py::arg("path"), py::arg("values"), py::arg("fmt") = py::none(),
           py::arg("timeout") = 10.0,
           "Create under object `path` (\"/3303\"); values under /o/i name the instance, else the client assigns it "
           "(.created holds its path).")
      .def("delete", [](PyServer& s, const std::string& ep, const std::string& path, double timeout) {
             Path p = PathFromPy(path);
             auto o = PyServer::Options(py::none(), py::none(), timeout, std::nullopt, true);
             return s.Verb("delete " + path + " on " + ep, [&](Lwm2mServer& x) { return x.Delete(ep, p, o); });
           }, py::arg("endpoint"), py::arg("path"), py::arg("timeout") = 10.0, "Delete an instance.")
      .def("observe", [](PyServer& s, const std::string& ep, const std::string& path, const py::object& attrs,
                         const py::object& accept, double timeout) {
             Path p = PathFromPy(path);
             auto a = AttributesFromPy(attrs);
             auto o = PyServer::Options(accept, py::none(), timeout, std::nullopt, true);
             return s.Verb("observe " + path + " on " + ep, [&](Lwm2mServer& x) { return x.Observe(ep, p, a, o); });
           }, py::arg("endpoint"), py::arg("path"), py::arg("attributes") = py::none(), py::arg("accept") = py::none(),
           py::arg("timeout") = 10.0,
           "Observe `path` (attributes in the query, as for write_attributes); notifications arrive through "
           "wait_for_notification(token=result.token).")
      .def("observe_composite", [](PyServer& s, const std::string& ep, const std::vector<std::string>& paths,
                                   const py::object& attrs, const py::object& accept, const py::object& fmt,
                                   double timeout) {
             auto ps = PathsFromPy(paths);
             auto a = AttributesFromPy(attrs);
             auto o = PyServer::Options(accept, fmt, timeout, std::nullopt, true);
             return s.Verb("observe-composite on " + ep, [&](Lwm2mServer& x) { return x.ObserveComposite(ep, ps, a, o); });
           }, py::arg("endpoint"), py::arg("paths"), py::arg("attributes") = py::none(), py::arg("accept") = py::none(),
           py::arg("fmt") = py::none(), py::arg("timeout") = 10.0, "Observe-Composite (FETCH / with Observe=0).")
      .def("cancel_observation", [](PyServer& s, const std::string& ep, const py::bytes& token, bool reset,
                                    double timeout) {
             std::string t = token;
             Bytes tok(t.begin(), t.end());
             auto ms = ToMs(timeout, "timeout");
             auto how = reset ? coap::Session::CancelBy::kReset : coap::Session::CancelBy::kGet;
             return s.Verb("cancel observation on " + ep,
                           [&](Lwm2mServer& x) { return x.CancelObservation(ep, tok, how, ms); });
           }, py::arg("endpoint"), py::arg("token"), py::arg("reset") = false, py::arg("timeout") = 10.0,
           "Cancels an observation: GET with Observe=1 (returns its response), or reset=True: the next "
           "notification is answered with RST (returns at once, code \"0.00\").");
}

}  // namespace lwm2m::py_binding
