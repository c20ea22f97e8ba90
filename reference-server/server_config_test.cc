// server_config_test.cc: lwm2m-ref-server YAML configuration: a full file, errors naming
// file:line:column with a suggestion, and command-line overrides.
#include "reference-server/server_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "coap/test_support.h"

namespace lwm2m::refserver {
namespace {

// A temporary directory with ca.crt, server.crt and server.key made by the openssl CLI.
struct CertDir {
  CertDir() {
    char tmpl[] = "/tmp/refsrv-cfg-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return;
    dir = tmpl;
    certs = coap::testing::MakeTestCerts("node1", "lwm2m-ref-server");
    std::ofstream(dir / "ca.crt") << certs.ca_cert;
    std::ofstream(dir / "server.crt") << certs.server_cert;
    std::ofstream(dir / "server.key") << certs.server_key;
  }
  ~CertDir() {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  std::string Path(const char* name) const { return (dir / name).string(); }
  std::filesystem::path dir;
  coap::testing::TestCerts certs;
};

TEST(RefServerConfig, LoadsFullConfiguration) {
  auto cfg = LoadRefServerConfigYaml(R"(
listen: {ip: 127.0.0.1, udp: 0, dtls: 5684, tcp: 5685}
psk: {node1: "0102030405060708"}
versions: ["1.1", "1.2"]
default-lifetime: 600
allow-nosec: false
control-port: 7000
bootstrap:
  udp: 5783
  plans:
    node1:
      steps: [{delete: /}, finish]
)", "srv.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  const ServerConfig& s = cfg->server;
  EXPECT_TRUE(s.udp);
  EXPECT_EQ(s.udp_port, 0);
  EXPECT_TRUE(s.dtls);
  EXPECT_EQ(s.dtls_port, 5684);
  EXPECT_TRUE(s.tcp);
  EXPECT_EQ(s.tcp_port, 5685);
  EXPECT_FALSE(s.tls);
  EXPECT_EQ(s.psk_keys.at("node1"), (Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(s.supported_versions, (std::vector<std::string>{"1.1", "1.2"}));
  EXPECT_EQ(s.default_lifetime_s, 600u);
  EXPECT_FALSE(s.allow_nosec);
  EXPECT_EQ(cfg->control_port, 7000);
  ASSERT_TRUE(cfg->bootstrap.has_value());
  EXPECT_EQ(cfg->bootstrap->udp_port, 5783);
  EXPECT_EQ(cfg->bootstrap->psk_keys.at("node1").size(), 8u);  // inherited from psk:
  const BootstrapEndpointPlan* plan = cfg->bootstrap->plan.Find("node1");
  ASSERT_NE(plan, nullptr);
  ASSERT_EQ(plan->steps.size(), 2u);
  EXPECT_EQ(plan->steps[0].kind, BootstrapStepKind::kDelete);
  EXPECT_EQ(plan->steps[1].kind, BootstrapStepKind::kFinish);
}

TEST(RefServerConfig, EmptyFileKeepsDefaults) {
  auto cfg = LoadRefServerConfigYaml("", "e.yaml");
  ASSERT_TRUE(cfg.ok());
  EXPECT_TRUE(cfg->server.udp);
  EXPECT_EQ(cfg->server.udp_port, 5683);
  EXPECT_FALSE(cfg->server.dtls);
  EXPECT_FALSE(cfg->bootstrap.has_value());
}

TEST(RefServerConfig, ExampleInHelpLoads) {
  auto cfg = LoadRefServerConfigYaml(ExampleRefServerConfig(), "example");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server.dtls_port, 5684);
  ASSERT_TRUE(cfg->bootstrap.has_value());
  EXPECT_EQ(cfg->bootstrap->plan.Find("node1")->steps.size(), 4u);
}

TEST(RefServerConfig, UnknownKeyNamesLineColumnAndSuggestion) {
  auto cfg = LoadRefServerConfigYaml("listen:\n  udp: 5683\n  dtsl: 5684\n", "srv.yaml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().message(), "srv.yaml:3:3: unknown key 'dtsl' (did you mean 'dtls'?)");
  auto top = LoadRefServerConfigYaml("default-lifetim: 5\n", "a.yaml");
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.status().message(), "a.yaml:1:1: unknown key 'default-lifetim' (did you mean 'default-lifetime'?)");
}

TEST(RefServerConfig, ProfilesMapProfileIdsToObjectLists) {
  auto cfg = LoadRefServerConfigYaml("profiles:\n  \"6:27354b9a\": \"</3/0>,</4/0>\"\n", "pr.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  EXPECT_EQ(cfg->server.profiles.at("6:27354b9a"), "</3/0>,</4/0>");
  auto bad = LoadRefServerConfigYaml("profiles:\n  oma:1: \"</3/0\"\n", "pb.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("pb.yaml:2:10: profile oma:1: the object list is not valid", 0), 0u)
      << bad.status().message();
}

TEST(RefServerConfig, BadValuesNameTheirPlace) {
  auto port = LoadRefServerConfigYaml("listen: {udp: 70000}\n", "p.yaml");
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.status().message().rfind("p.yaml:1:15: listen.udp 70000 is outside 0..65535", 0), 0u)
      << port.status().message();
  auto key = LoadRefServerConfigYaml("psk:\n  node1: xyz\n", "k.yaml");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message().rfind("k.yaml:2:10: PSK key of 'node1' is not hex", 0), 0u) << key.status().message();
  auto ver = LoadRefServerConfigYaml("versions: [\"1.3\"]\n", "v.yaml");
  ASSERT_FALSE(ver.ok());
  EXPECT_EQ(ver.status().message().rfind("v.yaml:1:12: unknown LwM2M version '1.3'", 0), 0u) << ver.status().message();
  auto syntax = LoadRefServerConfigYaml("listen: {udp: 1\n", "s.yaml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().message().rfind("s.yaml:", 0), 0u);
  auto plan = LoadRefServerConfigYaml("bootstrap:\n  udp: 0\n  plans:\n    node1: {steps: [{frobnicate: /}]}\n", "b.yaml");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message().rfind("b.yaml:4:", 0), 0u) << plan.status().message();
  auto block = LoadRefServerConfigYaml("bootstrap:\n  udp: 0\n  plans:\n    node1:\n      steps:\n        - frobnicate: /\n",
                                       "c.yaml");
  ASSERT_FALSE(block.ok());
  EXPECT_EQ(block.status().message().rfind("c.yaml:6:", 0), 0u) << block.status().message();
  auto missing = LoadRefServerConfigFile("/nonexistent/ref.yaml");
  EXPECT_FALSE(missing.ok());
}

TEST(RefServerConfig, FlagsOverrideTheFile) {
  auto cfg = LoadRefServerConfigYaml("listen: {udp: 5683, dtls: 5684}\npsk: {a: '01'}\n", "o.yaml");
  ASSERT_TRUE(cfg.ok());
  RefServerOverrides o;
  o.udp_port = 0;
  o.dtls_port = -1;
  o.psk_identities = {"b"};
  o.psk_keys = {"0a0b"};
  o.no_nosec = true;
  o.control_port = 0;
  ASSERT_TRUE(ApplyOverrides(*cfg, o).ok());
  EXPECT_TRUE(cfg->server.udp);
  EXPECT_EQ(cfg->server.udp_port, 0);
  EXPECT_FALSE(cfg->server.dtls);
  EXPECT_EQ(cfg->server.psk_keys.size(), 2u);
  EXPECT_EQ(cfg->server.psk_keys.at("b"), (Bytes{0x0a, 0x0b}));
  EXPECT_FALSE(cfg->server.allow_nosec);
  EXPECT_EQ(cfg->control_port, 0);
}

TEST(RefServerConfig, DefaultUdpGivesWayToOtherTransportFlags) {
  RefServerConfig cfg = DefaultRefServerConfig();
  RefServerOverrides o;
  o.tcp_port = 0;
  ASSERT_TRUE(ApplyOverrides(cfg, o).ok());
  EXPECT_FALSE(cfg.server.udp);
  EXPECT_TRUE(cfg.server.tcp);
}

TEST(RefServerConfig, OverridesRejectUnpairedPskAndNoTransport) {
  RefServerConfig cfg = DefaultRefServerConfig();
  RefServerOverrides o;
  o.psk_identities = {"a"};
  EXPECT_FALSE(ApplyOverrides(cfg, o).ok());
  RefServerOverrides none;
  none.udp_port = -1;
  RefServerConfig cfg2 = DefaultRefServerConfig();
  EXPECT_FALSE(ApplyOverrides(cfg2, none).ok());
}

TEST(RefServerConfig, SuggestKeyOnlyForTypos) {
  EXPECT_EQ(SuggestKey("udpp", {"udp", "tcp"}), "udp");
  EXPECT_EQ(SuggestKey("xyzzy", {"udp", "tcp"}), std::nullopt);
}

TEST(RefServerConfig, X509FilesLoadRelativeToTheConfigurationFile) {
  CertDir d;
  ASSERT_TRUE(d.certs.error.empty()) << d.certs.error;
  std::ofstream(d.dir / "srv.yaml") << "listen: {dtls: 0, tls: 0}\n"
                                       "x509: {cert: server.crt, key: server.key, ca: ca.crt}\n"
                                       "bootstrap: {tcp: 0, tls: 0}\n";
  auto cfg = LoadRefServerConfigFile(d.Path("srv.yaml"));
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->server.certificate_pem, d.certs.server_cert);
  EXPECT_EQ(cfg->server.private_key_pem, d.certs.server_key);
  EXPECT_EQ(cfg->server.ca_pem, d.certs.ca_cert);
  ASSERT_TRUE(cfg->bootstrap.has_value());
  EXPECT_TRUE(cfg->bootstrap->tcp);
  EXPECT_TRUE(cfg->bootstrap->tls);
  EXPECT_FALSE(cfg->bootstrap->udp);
  EXPECT_EQ(cfg->bootstrap->certificate_pem, d.certs.server_cert);  // inherited from the top-level x509
  // And the server starts with it: certificates only, no PSK.
  Lwm2mServer server(cfg->server);
  Status st = server.Start();
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(server.address(coap::Transport::kTls).has_value());
}

TEST(RefServerConfig, X509ErrorsNameFileLineAndPath) {
  CertDir d;
  ASSERT_TRUE(d.certs.error.empty()) << d.certs.error;
  std::string base = d.dir.string();
  auto missing_key = LoadRefServerConfigYaml("listen: {dtls: 0}\nx509:\n  cert: server.crt\n  ca: ca.crt\n", "a.yaml", base);
  ASSERT_FALSE(missing_key.ok());
  EXPECT_EQ(missing_key.status().message().rfind("a.yaml:3:3: x509 needs 'key'", 0), 0u) << missing_key.status().message();
  auto no_file = LoadRefServerConfigYaml("x509:\n  cert: server.crt\n  key: nope.key\n  ca: ca.crt\n", "b.yaml", base);
  ASSERT_FALSE(no_file.ok());
  EXPECT_EQ(no_file.status().message(), "b.yaml:3:8: x509.key: " + base + "/nope.key: cannot open the file");
  auto swapped = LoadRefServerConfigYaml("x509: {cert: server.key, key: server.key, ca: ca.crt}\n", "c.yaml", base);
  ASSERT_FALSE(swapped.ok());
  EXPECT_EQ(swapped.status().message(),
            "c.yaml:1:14: x509.cert: " + base + "/server.key: no PEM \"CERTIFICATE\" block");
  auto typo = LoadRefServerConfigYaml("x509: {cert: a, kye: b, ca: c}\n", "d.yaml", base);
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().message(), "d.yaml:1:17: unknown key 'kye' (did you mean 'key'?)");
  auto bs = LoadRefServerConfigYaml("bootstrap: {tls: 0}\n", "e.yaml", base);
  ASSERT_FALSE(bs.ok());
  EXPECT_EQ(bs.status().message(), "e.yaml:1:12: bootstrap dtls/tls needs PSK keys (psk) or certificates (x509)");
}

TEST(RefServerConfig, CertFlagsReadTheFilesAndNeedEachOther) {
  CertDir d;
  ASSERT_TRUE(d.certs.error.empty()) << d.certs.error;
  RefServerConfig cfg = DefaultRefServerConfig();
  RefServerOverrides o;
  o.dtls_port = 0;
  o.cert_file = d.Path("server.crt");
  o.key_file = d.Path("server.key");
  o.ca_file = d.Path("ca.crt");
  o.bootstrap_port = 0;
  ASSERT_TRUE(ApplyOverrides(cfg, o).ok());
  EXPECT_EQ(cfg.server.certificate_pem, d.certs.server_cert);
  EXPECT_EQ(cfg.server.ca_pem, d.certs.ca_cert);
  EXPECT_TRUE(cfg.server.dtls);
  ASSERT_TRUE(cfg.bootstrap.has_value());
  EXPECT_EQ(cfg.bootstrap->private_key_pem, d.certs.server_key);

  RefServerConfig alone = DefaultRefServerConfig();
  RefServerOverrides only_cert;
  only_cert.cert_file = d.Path("server.crt");
  Status st = ApplyOverrides(alone, only_cert);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("--cert needs --key"), std::string::npos) << st.message();

  RefServerConfig bad = DefaultRefServerConfig();
  RefServerOverrides missing;
  missing.ca_file = d.Path("none.crt");
  st = ApplyOverrides(bad, missing);
  EXPECT_EQ(st.message(), "--ca " + d.Path("none.crt") + ": cannot open the file");
}

}  // namespace
}  // namespace lwm2m::refserver
