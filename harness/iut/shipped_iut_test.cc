// shipped_iut_test.cc: testcases/iut/reference-server.yaml and reference-client.yaml launch the
// real reference endpoints, which become ready, answer the upper tester, and stop cleanly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/iut/iut.h"

namespace lwm2m::iut {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

IutDescription LoadShipped(const std::string& name) {
  std::vector<Diagnostic> d;
  auto r = LoadIut(std::string(LWM2M_SOURCE_DIR) + "/testcases/iut/" + name, d);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : IutDescription{};
}

std::string Log(const std::string& name) { return ::testing::TempDir() + "/shipped_" + name + ".log"; }

// Starts the reference server from its IUT file on a kernel-chosen port; returns its UDP address.
std::unique_ptr<IutProcess> StartServer(const IutDescription& iut, std::string& address) {
  VariableInputs in;
  in.build_dir = LWM2M_BUILD_DIR;
  in.source_dir = LWM2M_SOURCE_DIR;
  in.port = 0;
  in.psk_identity = "";  // NoSec only
  Variables vars = MakeVariables(iut, in);
  vars["psk_identity"] = "";
  auto p = IutProcess::Start(*iut.launch, vars, Log("server"));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return nullptr;
  EXPECT_TRUE((*p)->WaitReady(iut.launch->ready_timeout));
  auto m = (*p)->ready_match();
  if (m.size() > 1) address = m[1];
  return std::move(*p);
}

TEST(ShippedIut, ReferenceServerStartsAnswersAndStops) {
  IutDescription iut = LoadShipped("reference-server.yaml");
  ASSERT_TRUE(iut.launch);
  std::string address;
  auto server = StartServer(iut, address);
  ASSERT_TRUE(server);
  EXPECT_THAT(address, ::testing::MatchesRegex("127\\.0\\.0\\.1:[0-9]+"));
  EXPECT_EQ(server->ready_uri(), "coap://" + address);
  auto r = RunAction(iut, "list", {}, {}, 10s, server.get());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->ok);
  EXPECT_TRUE(r->reply["clients"].is_array());
  server->Stop();
  EXPECT_EQ(server->exit_status(), 0) << "SIGTERM is a clean shutdown for lwm2m-ref-server";
}

TEST(ShippedIut, ReferenceClientRegistersWithTheReferenceServer) {
#ifndef LWM2M_HAVE_REF_CLIENT
  GTEST_SKIP() << "lwm2m-ref-client is not built in this tree";
#else
  IutDescription server_iut = LoadShipped("reference-server.yaml");
  std::string address;
  auto server = StartServer(server_iut, address);
  ASSERT_TRUE(server);
  ASSERT_FALSE(address.empty());

  IutDescription client_iut = LoadShipped("reference-client.yaml");
  VariableInputs in;
  in.build_dir = LWM2M_BUILD_DIR;
  in.server_uri = "coap://" + address;
  in.endpoint = "shipped-iut-test";
  Variables vars = MakeVariables(client_iut, in);
  vars["psk_identity"] = "";  // NoSec
  auto client = IutProcess::Start(*client_iut.launch, vars, Log("client"));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  auto registered = server->WaitEvent(
      [](const nlohmann::json& e) { return e.value("event", "") == "registered"; }, 20s);
  ASSERT_TRUE(registered.has_value()) << "no registration; see " << Log("client");
  EXPECT_THAT(registered->dump(), HasSubstr("shipped-iut-test"));

  auto state = RunAction(client_iut, "state", vars, {}, 10s, client->get());
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_TRUE(state->ok) << state->output;
  auto unsupported = RunAction(client_iut, "no-such-verb", vars, {}, 10s, client->get());
  ASSERT_TRUE(unsupported.ok()) << unsupported.status().ToString();
  EXPECT_TRUE(unsupported->unsupported);
  auto dereg = RunAction(client_iut, "deregister", vars, {}, 10s, client->get());
  ASSERT_TRUE(dereg.ok()) << dereg.status().ToString();
  EXPECT_TRUE(dereg->ok) << dereg->output;
  EXPECT_TRUE(server->WaitEvent([](const nlohmann::json& e) { return e.value("event", "") == "deregistered"; }, 10s));
  (*client)->Stop();
  server->Stop();
#endif
}

}  // namespace
}  // namespace lwm2m::iut
