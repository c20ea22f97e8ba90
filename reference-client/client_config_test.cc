// client_config_test.cc: YAML configuration of the reference client, errors with file:line:column.
#include "reference-client/client_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace lwm2m::refclient {
namespace {

TEST(ClientConfig, EmptyGivesDefaults) {
  auto c = LoadClientConfigYaml("", "c.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->lwm2m_version, "1.2");
  EXPECT_FALSE(c->factory.present);
  EXPECT_EQ(c->time_scale, 1.0);
}

TEST(ClientConfig, FullServerAccount) {
  auto c = LoadClientConfigYaml(R"(endpoint: node7
lwm2m-version: "1.1"
factory:
  bootstrap-server: {uri: "coap://127.0.0.1:5783", hold-off: 2}
  servers:
    - ssid: 102
      uri: "coaps://127.0.0.1:5684"
      secondary-uris: ["coaps+tcp://127.0.0.1:5686"]
      psk-identity: node7
      psk-key: 0a0B
      lifetime: 60
      binding: UT
      priority: 3
      initial-delay: 1
      failure-block: true
      bootstrap-on-failure: false
      retry-count: 2
      retry-timer: 1
      sequence-delay: 5
      sequence-retry: 2
      preferred-transport: T
      mute-send: false
      supported-versions: ["1.1"]
objects: {/3/0/0: "ACME", /3/0/6: [1, 5]}
enable-objects: [5]
register-to: [102]
time-scale: 0.01
faults: [no-pct]
)",
                                "c.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->endpoint, "node7");
  EXPECT_EQ(c->lwm2m_version, "1.1");
  ASSERT_TRUE(c->factory.bootstrap.has_value());
  EXPECT_EQ(c->factory.bootstrap->hold_off, 2u);
  ASSERT_EQ(c->factory.servers.size(), 1u);
  const ServerAccount& s = c->factory.servers[0];
  EXPECT_EQ(s.ssid, 102);
  EXPECT_EQ(s.security.mode, 0);
  EXPECT_EQ(s.security.psk_key, (Bytes{0x0a, 0x0b}));
  EXPECT_EQ(s.secondary_uris.size(), 1u);
  EXPECT_EQ(s.priority, 3u);
  EXPECT_EQ(s.failure_block, true);
  EXPECT_EQ(s.bootstrap_on_failure, false);
  EXPECT_EQ(s.preferred_transport, "T");
  EXPECT_EQ(s.supported_versions, std::vector<std::string>{"1.1"});
  EXPECT_EQ(s.origin, "c.yaml:6:7");
  ASSERT_EQ(c->objects.size(), 2u);
  EXPECT_TRUE(c->objects[1].multiple);
  EXPECT_EQ(c->objects[1].texts, (std::vector<std::string>{"1", "5"}));
  EXPECT_EQ(c->register_to, std::vector<uint16_t>{102});
  EXPECT_DOUBLE_EQ(c->time_scale, 0.01);
  EXPECT_TRUE(c->HasFault("no-pct"));
}

TEST(ClientConfig, UnknownKeySuggestsAndNamesLine) {
  auto c = LoadClientConfigYaml("endpoint: a\nfactory:\n  servers:\n    - {uri: coap://h:1, lifetme: 5}\n", "c.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("c.yaml:4:"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("did you mean 'lifetime'"), std::string::npos) << c.status().message();
}

TEST(ClientConfig, BadValuesAreErrors) {
  EXPECT_FALSE(LoadClientConfigYaml("lwm2m-version: 2.0", "c").ok());
  EXPECT_FALSE(LoadClientConfigYaml("factory: {servers: [{uri: nouri}]}", "c").ok());
  EXPECT_FALSE(LoadClientConfigYaml("factory: {servers: [{uri: coap://h:1, psk-key: zz}]}", "c").ok());
  EXPECT_FALSE(LoadClientConfigYaml("factory: {servers: [{uri: coap://h:1, security: psk}]}", "c").ok());
  EXPECT_FALSE(LoadClientConfigYaml("factory: {servers: [{uri: coap://h:1}, {uri: coap://h:2}]}", "c").ok());
  EXPECT_FALSE(LoadClientConfigYaml("objects: {/3: x}", "c").ok());
  EXPECT_FALSE(LoadClientConfigYaml("time-scale: -1", "c").ok());
  EXPECT_FALSE(LoadClientConfigYaml("supported-binding: UX", "c").ok());
  auto broken = LoadClientConfigYaml("endpoint: [a", "c.yaml");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().message().rfind("c.yaml:", 0), 0u);
}

TEST(ClientConfig, SmartCardFileHasItsOwnPriority) {
  std::string dir = ::testing::TempDir();
  {
    std::ofstream card(dir + "/card.yaml");
    card << "priority: 20\nservers:\n  - {ssid: 201, uri: coap://127.0.0.1:6000}\n";
  }
  auto c = LoadClientConfigYaml("smart-card: card.yaml\n", "c.yaml", dir);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->smart_card.present);
  EXPECT_EQ(c->smart_card.priority, 20);
  ASSERT_EQ(c->smart_card.servers.size(), 1u);
  EXPECT_EQ(c->smart_card.servers[0].ssid, 201);
  auto missing = LoadClientConfigYaml("smart-card: nope.yaml\n", "c.yaml", dir);
  EXPECT_FALSE(missing.ok());
  std::remove((dir + "/card.yaml").c_str());
}

TEST(ClientConfig, SmartCardDefaultPriorityAboveFactory) {
  auto card = LoadSmartCardYaml("servers: [{ssid: 5, uri: coap://h:1}]", "card.yaml");
  ASSERT_TRUE(card.ok());
  EXPECT_GT(card->priority, 0);
  EXPECT_FALSE(LoadSmartCardYaml("servers: [{ssid: 5, uri: coap://h:1}]\nendpoint: x", "card.yaml").ok());
}

TEST(ClientConfig, ExampleLoadsExceptForTheCardFile) {
  std::string ex(ExampleClientConfig());
  auto pos = ex.find("smart-card:");
  ex.erase(pos, ex.find('\n', pos) - pos);
  auto c = LoadClientConfigYaml(ex, "example");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->factory.servers.size(), 2u);
}

}  // namespace
}  // namespace lwm2m::refclient
