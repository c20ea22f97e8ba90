// main_test.cc: the lwm2m-ref-server executable: it reports its bound port, logs one JSON line per
// event (a Register and a De-register from a coap::Context here), answers JSON commands on stdin
// (list, read against an in-test client), loads a --config file, and exits 0 on SIGINT.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "coap/context.h"
#include "coap/test_child.h"
#include "coap/test_support.h"

namespace {

using namespace std::chrono_literals;
using namespace lwm2m;

using lwm2m::coap::testing::Child;

using nlohmann::json;

auto Event(const std::string& name) {
  return [name](const json& j) { return j.contains("event") && j["event"] == name; };
}

uint16_t ListeningPort(Child& child) {
  json l = child.ReadJson(Event("listening"), 10s);
  if (l.is_null()) return 0;
  EXPECT_EQ(l["transport"], "udp");
  std::string a = l["address"];
  EXPECT_EQ(a.rfind("127.0.0.1:", 0), 0u) << a;
  return static_cast<uint16_t>(std::stoi(a.substr(a.rfind(':') + 1)));
}

std::string RegisterClient(coap::Context& client, std::shared_ptr<coap::Session> s, const std::string& ep) {
  CoapMessage reg = CoapMessage::Request(CoapCode::kPost, "/rd?ep=" + ep + "&lt=300&lwm2m=1.2");
  reg.SetContentFormat(ContentFormat::kLinkFormat);
  std::string links = "</1/0>,</3/0>";
  reg.payload.assign(links.begin(), links.end());
  std::optional<coap::Reply> reply;
  EXPECT_TRUE(s->Send(reg, [&](const coap::Reply& r) { reply = r; }).ok());
  EXPECT_TRUE(client.RunUntil([&] { return reply.has_value(); }, 5s));
  if (!reply || !reply->ok()) return "";
  EXPECT_EQ(reply->response.code, CoapCode::kCreated);
  return reply->response.LocationPath();
}

TEST(RefServerMain, LogsEventsAndExitsCleanlyOnSigint) {
  Child child({LWM2M_REF_SERVER_BIN, "--port", "0"});
  ASSERT_GT(child.pid(), 0);
  uint16_t port = ListeningPort(child);
  ASSERT_NE(port, 0);

  coap::Context client;
  auto s = client.Connect(coap::Transport::kUdp, {"127.0.0.1", port});
  ASSERT_TRUE(s.ok());
  std::string location = RegisterClient(client, *s, "cli1");
  ASSERT_FALSE(location.empty());

  json req = child.ReadJson(Event("request"), 5s);
  EXPECT_EQ(req["endpoint"], "cli1") << req.dump();
  EXPECT_EQ(req["answered"], "2.01") << req.dump();
  json reg = child.ReadJson(Event("registered"), 5s);
  EXPECT_EQ(reg["location"], location) << reg.dump();
  EXPECT_EQ(reg["registration"]["version"], "1.2") << reg.dump();

  std::optional<coap::Reply> reply;
  ASSERT_TRUE((*s)->Send(CoapMessage::Request(CoapCode::kDelete, location), [&](const coap::Reply& r) { reply = r; }).ok());
  ASSERT_TRUE(client.RunUntil([&] { return reply.has_value(); }, 5s));
  EXPECT_EQ(reply->response.code, CoapCode::kDeleted);
  EXPECT_EQ(child.ReadJson(Event("deregistered"), 5s)["endpoint"], "cli1");

  ASSERT_EQ(kill(child.pid(), SIGINT), 0);
  EXPECT_EQ(child.Wait(10s), 0);
}

TEST(RefServerMain, CertFlagsServeDtlsWithTheCnCheck) {
  coap::testing::TestCerts certs = coap::testing::MakeTestCerts("cert-node", "lwm2m-ref-server");
  ASSERT_TRUE(certs.error.empty()) << certs.error;
  std::string dir = ::testing::TempDir() + "/refsrv_main_x509_" + std::to_string(getpid());
  ASSERT_EQ(system(("mkdir -p " + dir).c_str()), 0);
  std::ofstream(dir + "/server.crt") << certs.server_cert;
  std::ofstream(dir + "/server.key") << certs.server_key;
  std::ofstream(dir + "/ca.crt") << certs.ca_cert;
  Child child({LWM2M_REF_SERVER_BIN, "--port", "-1", "--dtls-port", "0", "--cert", dir + "/server.crt", "--key",
               dir + "/server.key", "--ca", dir + "/ca.crt"});
  ASSERT_GT(child.pid(), 0);
  json l = child.ReadJson(Event("listening"), 10s);
  ASSERT_FALSE(l.is_null());
  EXPECT_EQ(l["transport"], "dtls");
  std::string a = l["address"];
  uint16_t port = static_cast<uint16_t>(std::stoi(a.substr(a.rfind(':') + 1)));
  std::remove((dir + "/server.key").c_str());  // read at start-up: the key file need not stay

  coap::Context client;
  auto s = client.Connect(coap::Transport::kDtls, {"127.0.0.1", port},
                          coap::Security::Certificate(certs.client_cert, certs.client_key, certs.ca_cert));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(RegisterClient(client, *s, "cert-node").empty());
  json reg = child.ReadJson(Event("registered"), 5s);
  EXPECT_EQ(reg["endpoint"], "cert-node") << reg.dump();
  EXPECT_EQ(reg["registration"]["certificate_cn"], "cert-node") << reg.dump();

  CoapMessage wrong = CoapMessage::Request(CoapCode::kPost, "/rd?ep=someone-else&lt=300&lwm2m=1.2");
  std::optional<coap::Reply> reply;
  ASSERT_TRUE((*s)->Send(wrong, [&](const coap::Reply& r) { reply = r; }).ok());
  ASSERT_TRUE(client.RunUntil([&] { return reply.has_value(); }, 5s));
  EXPECT_EQ(reply->response.code, CoapCode::kBadRequest);

  ASSERT_EQ(kill(child.pid(), SIGTERM), 0);
  EXPECT_EQ(child.Wait(10s), 0);
  ASSERT_EQ(system(("rm -rf " + dir).c_str()), 0);
}

TEST(RefServerMain, ConfigFileAndControlCommandsOnStdin) {
  std::string cfg = ::testing::TempDir() + "/refsrv_main_test.yaml";
  {
    std::ofstream f(cfg);
    f << "listen: {udp: 0}\ndefault-lifetime: 120\n";
  }
  Child child({LWM2M_REF_SERVER_BIN, "--config", cfg});
  ASSERT_GT(child.pid(), 0);
  uint16_t port = ListeningPort(child);
  ASSERT_NE(port, 0);

  coap::Context client;
  client.SetRequestHandler([](const coap::Peer&, const CoapMessage& req, coap::Responder& r) {
    CoapMessage m;
    m.code = req.code == CoapCode::kGet ? CoapCode::kContent : CoapCode::kMethodNotAllowed;
    std::string p = "Acme";
    m.payload.assign(p.begin(), p.end());
    m.SetContentFormat(ContentFormat::kTextPlain);
    r.Respond(m);
  });
  auto s = client.Connect(coap::Transport::kUdp, {"127.0.0.1", port});
  ASSERT_TRUE(s.ok());
  ASSERT_FALSE(RegisterClient(client, *s, "node1").empty());
  ASSERT_FALSE(child.ReadJson(Event("registered"), 5s).is_null());

  child.WriteLine(R"({"id":1,"cmd":"list"})");
  json list = child.ReadJson([](const json& j) { return j.contains("id"); }, 5s);
  ASSERT_EQ(list["id"], 1) << list.dump();
  EXPECT_EQ(list["ok"], true);
  ASSERT_EQ(list["clients"].size(), 1u);
  EXPECT_EQ(list["clients"][0]["endpoint"], "node1");
  EXPECT_EQ(list["clients"][0]["lifetime"], 300);

  // The server blocks in the read while the client must answer: step the client meanwhile.
  child.WriteLine(R"({"id":2,"cmd":"read","endpoint":"node1","path":"/3/0/0","accept":"text","timeout_ms":5000})");
  json read;
  bool got = client.RunUntil([&] {
    read = child.ReadJson([](const json& j) { return j.contains("id"); }, 20ms);
    return !read.is_null();
  }, 10s);
  ASSERT_TRUE(got);
  EXPECT_EQ(read["id"], 2) << read.dump();
  EXPECT_EQ(read["ok"], true) << read.dump();
  EXPECT_EQ(read["code"], "2.05");
  ASSERT_EQ(read["records"].size(), 1u);
  EXPECT_EQ(read["records"][0]["value"], "Acme");

  child.WriteLine("this is not json");
  json bad = child.ReadJson([](const json& j) { return j.contains("ok"); }, 5s);
  EXPECT_EQ(bad["ok"], false) << bad.dump();

  ASSERT_EQ(kill(child.pid(), SIGINT), 0);
  EXPECT_EQ(child.Wait(10s), 0);
  std::remove(cfg.c_str());
}

TEST(RefServerMain, ControlPortWorksAfterStdinEof) {
  Child child({LWM2M_REF_SERVER_BIN, "--port", "0", "--control-port", "0"});
  ASSERT_GT(child.pid(), 0);
  ASSERT_NE(ListeningPort(child), 0);
  json ctl = child.ReadJson(Event("listening"), 5s);
  ASSERT_EQ(ctl["role"], "control") << ctl.dump();
  std::string a = ctl["address"];
  child.CloseStdin();  // EOF on stdin does not stop the server

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(std::stoi(a.substr(a.rfind(':') + 1))));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  std::string cmd = "{\"id\":7,\"cmd\":\"list\"}\n";
  ASSERT_EQ(send(fd, cmd.data(), cmd.size(), 0), static_cast<ssize_t>(cmd.size()));
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (got.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char tmp[512];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n <= 0) break;
    got.append(tmp, static_cast<size_t>(n));
  }
  close(fd);
  EXPECT_EQ(got, "{\"id\":7,\"ok\":true,\"clients\":[]}\n");

  ASSERT_EQ(kill(child.pid(), SIGTERM), 0);
  EXPECT_EQ(child.Wait(10s), 0);
}

TEST(RefServerMain, RunsTheBootstrapServerFromTheConfig) {
  std::string cfg = ::testing::TempDir() + "/refsrv_main_bs.yaml";
  {
    std::ofstream f(cfg);
    f << "listen: {udp: 0}\nbootstrap:\n  udp: 0\n  plans:\n    node1:\n      steps: [{delete: /}, finish]\n";
  }
  Child child({LWM2M_REF_SERVER_BIN, "--config", cfg});
  ASSERT_GT(child.pid(), 0);
  ASSERT_NE(ListeningPort(child), 0);
  json bs = child.ReadJson(Event("listening"), 5s);
  EXPECT_EQ(bs["role"], "bootstrap") << bs.dump();
  EXPECT_EQ(bs["transport"], "udp");
  child.WriteLine(R"({"id":3,"cmd":"bootstrap-runs"})");
  json runs = child.ReadJson([](const json& j) { return j.contains("id"); }, 5s);
  EXPECT_EQ(runs["ok"], true) << runs.dump();
  EXPECT_EQ(runs["runs"], json::array());
  child.WriteLine(R"({"cmd":"shutdown"})");
  EXPECT_EQ(child.Wait(10s), 0);
  std::remove(cfg.c_str());
}

TEST(RefServerMain, ConfigErrorNamesLineAndExits2) {
  std::string cfg = ::testing::TempDir() + "/refsrv_main_bad.yaml";
  {
    std::ofstream f(cfg);
    f << "listen: {udp: 0}\nlistn: 1\n";
  }
  Child child({LWM2M_REF_SERVER_BIN, "--config", cfg});
  EXPECT_EQ(child.Wait(10s), 2);
  std::remove(cfg.c_str());
}

TEST(RefServerMain, RejectsUnpairedPskOptions) {
  Child child({LWM2M_REF_SERVER_BIN, "--dtls-port", "0", "--psk-identity", "a"});
  EXPECT_EQ(child.Wait(10s), 2);
}

}  // namespace
