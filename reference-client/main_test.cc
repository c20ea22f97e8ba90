// main_test.cc: the lwm2m-ref-client executable against an in-process reference server: it
// registers with --server, answers the JSON control channel, de-registers on SIGTERM, exits 127 when
// stdin closes after only an unsupported verb, and reports configuration errors with file:line.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "coap/test_child.h"
#include "reference-server/server.h"

namespace {

using namespace std::chrono_literals;
using namespace lwm2m;
using refserver::Lwm2mServer;
using refserver::ServerEvent;
using refserver::ServerEventKind;

using lwm2m::coap::testing::Child;

using nlohmann::json;

auto Kind(ServerEventKind k) {
  return [k](const ServerEvent& e) { return e.kind == k; };
}

auto Reply(int id) {
  return [id](const json& j) { return j.contains("id") && j["id"] == id; };
}

class MainTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start().ok()); }
  std::string Uri() { return "coap://" + server_.address(coap::Transport::kUdp)->ToString(); }
  Lwm2mServer server_;
};

TEST_F(MainTest, RegistersAnswersControlAndDeregistersOnSigterm) {
  Child child({LWM2M_REF_CLIENT_BIN, "--server", Uri(), "--endpoint", "exe1", "--quiet"});
  auto reg = server_.WaitFor(Kind(ServerEventKind::kRegistered), 10s);
  ASSERT_TRUE(reg.has_value());
  EXPECT_EQ(reg->endpoint, "exe1");
  EXPECT_EQ(reg->registration->version, "1.2");
  child.WriteLine(R"({"id":1,"cmd":"set","path":"/3303/0/5700","value":30.5})");
  json r = child.ReadJson(Reply(1), 5s);
  ASSERT_FALSE(r.is_null());
  EXPECT_EQ(r["ok"], true) << r.dump();
  auto rd = server_.Read("exe1", Path{3303, 0, 5700}, {.accept = ContentFormat::kTextPlain, .timeout = 5s});
  ASSERT_TRUE(rd.ok()) << rd.status().ToString();
  ASSERT_EQ(rd->code, CoapCode::kContent);
  EXPECT_EQ(std::string(rd->response.payload.begin(), rd->response.payload.end()), "30.5");
  child.WriteLine(R"({"id":2,"cmd":"state"})");
  r = child.ReadJson(Reply(2), 5s);
  ASSERT_FALSE(r.is_null());
  ASSERT_EQ(r["registrations"].size(), 1u) << r.dump();
  EXPECT_EQ(r["registrations"][0]["state"], "registered");
  EXPECT_EQ(r["registrations"][0]["ssid"], 101);
  child.WriteLine(R"({"id":3,"cmd":"get","path":"/3303/0/5700"})");
  r = child.ReadJson(Reply(3), 5s);
  ASSERT_FALSE(r.is_null());
  EXPECT_EQ(r["values"][0]["value"], 30.5) << r.dump();
  child.WriteLine(R"({"id":4,"cmd":"send","paths":["/3303/0/5700"]})");
  r = child.ReadJson(Reply(4), 5s);
  EXPECT_EQ(r["ok"], true) << r.dump();
  EXPECT_TRUE(server_.WaitFor(Kind(ServerEventKind::kSend), 5s).has_value());
  child.WriteLine(R"({"id":5,"cmd":"frobnicate"})");
  r = child.ReadJson(Reply(5), 5s);
  EXPECT_EQ(r["error"], "unsupported");
  kill(child.pid(), SIGTERM);
  EXPECT_TRUE(server_.WaitFor(Kind(ServerEventKind::kDeregistered), 5s).has_value());
  EXPECT_EQ(child.Wait(5s), 0);
}

TEST_F(MainTest, UnsupportedVerbAsTheWholeTestExits127) {
  Child child({LWM2M_REF_CLIENT_BIN, "--server", Uri(), "--endpoint", "exe2", "--quiet"});
  child.WriteLine(R"({"id":1,"cmd":"teleport"})");
  json r = child.ReadJson(Reply(1), 5s);
  ASSERT_FALSE(r.is_null());
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(r["error"], "unsupported");
  child.CloseStdin();
  EXPECT_EQ(child.Wait(5s), 127);
}

TEST_F(MainTest, FaultFlagReachesTheClient) {
  Lwm2mServer old({.supported_versions = {"1.1"}});
  ASSERT_TRUE(old.Start().ok());
  Child child({LWM2M_REF_CLIENT_BIN, "--server", "coap://" + old.address(coap::Transport::kUdp)->ToString(),
               "--endpoint", "exe3", "--fault", "no-version-fallback", "--quiet"});
  EXPECT_FALSE(old.WaitFor(Kind(ServerEventKind::kRegistered), 500ms).has_value());
}

TEST_F(MainTest, ConfigErrorNamesFileAndLine) {
  std::string path = ::testing::TempDir() + "/refcli_bad.yaml";
  {
    std::ofstream f(path);
    f << "endpoint: x\nlifetme: 5\n";
  }
  std::string cmd = std::string(LWM2M_REF_CLIENT_BIN) + " --config " + path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string text;
  char buf[256];
  while (fgets(buf, sizeof buf, p)) text += buf;
  int status = pclose(p);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(text.find("refcli_bad.yaml:2:1: unknown key 'lifetme'"), std::string::npos) << text;
  std::remove(path.c_str());
}

TEST_F(MainTest, HelpShowsAnExampleConfiguration) {
  std::string cmd = std::string(LWM2M_REF_CLIENT_BIN) + " --help";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string text;
  char buf[256];
  while (fgets(buf, sizeof buf, p)) text += buf;
  EXPECT_EQ(WEXITSTATUS(pclose(p)), 0);
  EXPECT_NE(text.find("factory:"), std::string::npos);
  EXPECT_NE(text.find("\"cmd\":\"send\""), std::string::npos);
}

}  // namespace
