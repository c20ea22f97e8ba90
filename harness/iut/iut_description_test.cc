// iut_description_test.cc: the IUT description loader on the shipped files and on broken ones.
#include "harness/iut/iut_description.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

namespace lwm2m::iut {
namespace {

using ::testing::HasSubstr;

std::string Shipped(const std::string& name) { return std::string(LWM2M_SOURCE_DIR) + "/testcases/iut/" + name; }

std::string Errors(const std::vector<Diagnostic>& d) {
  std::string s;
  for (const auto& x : d)
    if (x.severity == Severity::kError) s += x.message + "\n";
  return s;
}

// Loads `text` expecting failure; returns the first error message.
std::string FirstError(const std::string& text) {
  std::vector<Diagnostic> d;
  auto r = LoadIutYaml(text, "t.yaml", d);
  EXPECT_FALSE(r.ok()) << "loaded although broken:\n" << text;
  for (const auto& x : d)
    if (x.severity == Severity::kError) return x.message;
  return "";
}

constexpr const char* kMinimal = "name: x\nrole: client\n";

TEST(IutDescription, LoadsShippedReferenceClient) {
  std::vector<Diagnostic> d;
  auto r = LoadIut(Shipped("reference-client.yaml"), d);
  ASSERT_TRUE(r.ok()) << r.status().ToString() << Errors(d);
  EXPECT_TRUE(d.empty()) << d[0].message;
  EXPECT_EQ(r->name, "lwm2m-ref-client");
  EXPECT_EQ(r->role, Role::kClient);
  ASSERT_TRUE(r->launch.has_value());
  EXPECT_TRUE(r->launch->control_channel);
  EXPECT_TRUE(r->launch->per_case);
  EXPECT_THAT(r->launch->command, HasSubstr("lwm2m-ref-client"));
  EXPECT_EQ(r->actions.at("register").kind, ActionSpec::Kind::kControl);
  EXPECT_EQ(r->actions.at("factory-reset").command, "factory-reset");
  auto f = r->Features();
  for (const char* want : {"lwm2m-1.2", "lwm2m-1.0", "udp", "dtls", "psk", "nosec", "format:senml-cbor", "send"})
    EXPECT_TRUE(f.count(want)) << want;
  EXPECT_FALSE(f.count("x509"));
}

TEST(IutDescription, LoadsShippedReferenceServer) {
  std::vector<Diagnostic> d;
  auto r = LoadIut(Shipped("reference-server.yaml"), d);
  ASSERT_TRUE(r.ok()) << r.status().ToString() << Errors(d);
  EXPECT_TRUE(d.empty()) << d[0].message;
  EXPECT_EQ(r->role, Role::kServer);
  EXPECT_EQ(r->role_name, "server");
  ASSERT_TRUE(r->launch.has_value());
  EXPECT_THAT(r->launch->command, HasSubstr("--port {port}"));
  EXPECT_FALSE(r->launch->ready_pattern.empty());
  EXPECT_EQ(r->launch->ready_uri, "coap://{match.1}");
  EXPECT_EQ(r->launch->ready_timeout, std::chrono::seconds(10));
  EXPECT_EQ(r->actions.at("read").kind, ActionSpec::Kind::kControl);
}

TEST(IutDescription, LoadsShippedThirdPartyExample) {
  std::vector<Diagnostic> d;
  auto r = LoadIut(Shipped("example-third-party-client.yaml"), d);
  ASSERT_TRUE(r.ok()) << r.status().ToString() << Errors(d);
  EXPECT_TRUE(d.empty()) << d[0].message;
  EXPECT_EQ(r->actions.at("reboot").kind, ActionSpec::Kind::kShell);
  EXPECT_EQ(r->actions.at("update").kind, ActionSpec::Kind::kHttp);
  EXPECT_EQ(r->actions.at("factory-reset").timeout, std::chrono::seconds(20));
  {  // the action's line is where it is written
    std::ifstream f(Shipped("example-third-party-client.yaml"));
    std::string text;
    int line = 0, reboot_line = 0;
    while (std::getline(f, text) && !reboot_line) {
      ++line;
      if (text.starts_with("  reboot:")) reboot_line = line;
    }
    EXPECT_EQ(r->actions.at("reboot").line, reboot_line);
  }
  EXPECT_EQ(r->launch->env.at("ACME_STATE_DIR"), "{case_dir}");
  EXPECT_EQ(r->launch->stop_timeout, std::chrono::seconds(2));
  EXPECT_EQ(r->Missing({"lwm2m-1.2", "dtls", "format:senml-cbor"}), std::nullopt);
  EXPECT_EQ(r->Missing({"lwm2m-1.2", "tcp", "mqtt"}), "tcp");
  EXPECT_EQ(r->Missing({"lwm2m-1.0"}), "lwm2m-1.0");
}

TEST(IutDescription, MissingAcceptsAlternativesAndBareFormatNames) {
  std::vector<Diagnostic> d;
  auto r = LoadIutYaml("name: x\nrole: client\nbindings: [tcp]\ncontent-formats: [senml-cbor]\n", "t.yaml", d);
  ASSERT_TRUE(r.ok()) << Errors(d);
  EXPECT_EQ(r->Missing({"udp|tcp"}), std::nullopt);
  EXPECT_EQ(r->Missing({"udp|dtls"}), "udp|dtls");
  EXPECT_EQ(r->Missing({"senml-cbor"}), std::nullopt);
  EXPECT_EQ(r->Missing({"tlv"}), "tlv");
  EXPECT_EQ(r->Missing({}), std::nullopt);
}

TEST(IutDescription, UnknownKeyNamesPlaceAndSuggests) {
  EXPECT_THAT(FirstError("name: x\nrole: client\nendpont: a\n"),
              ::testing::StartsWith("t.yaml:3:1: unknown key 'endpont' in the IUT description (did you mean"));
  EXPECT_THAT(FirstError("name: x\nrole: client\nendpont: a\n"), HasSubstr("(did you mean 'endpoint'?)"));
  EXPECT_THAT(FirstError("name: x\nrole: client\nlaunch:\n  comand: run\n"),
              HasSubstr("t.yaml:4:3: unknown key 'comand' in launch (did you mean 'command'?)"));
}

TEST(IutDescription, BadRoleNamesPlace) {
  EXPECT_EQ(FirstError("name: x\nrole: clinet\n"),
            "t.yaml:2:7: unknown role 'clinet' (did you mean 'client'?); expected client, server or bootstrap-server");
}

TEST(IutDescription, BadBindingNamesTheEntry) {
  EXPECT_THAT(FirstError("name: x\nrole: client\nbindings: [udp, dtsl]\n"),
              HasSubstr("t.yaml:3:17: unknown bindings value 'dtsl' (did you mean 'dtls'?)"));
  EXPECT_THAT(FirstError("name: x\nrole: client\ncontent-formats:\n  - senml-cbr\n"),
              HasSubstr("t.yaml:4:5: unknown content-formats value 'senml-cbr' (did you mean 'senml-cbor'?)"));
}

TEST(IutDescription, WrongTypesNamePlace) {
  EXPECT_THAT(FirstError("name: x\nrole: client\nversions: \"1.2\"\n"),
              HasSubstr("t.yaml:3:11: 'versions' must be a list"));
  EXPECT_THAT(FirstError("name: [a, b]\nrole: client\n"), HasSubstr("t.yaml:1:7: 'name' must be a single value"));
  EXPECT_THAT(FirstError("name: x\nrole: client\nlaunch:\n  command: run\n  per-case: maybe\n"),
              HasSubstr("t.yaml:5:13: 'per-case' must be true or false, not 'maybe'"));
  EXPECT_THAT(FirstError("name: x\nrole: client\nlaunch:\n  command: run\n  stop-timeout: soon\n"),
              HasSubstr("t.yaml:5:17: 'stop-timeout' must be a duration"));
  EXPECT_THAT(FirstError("- a\n- b\n"), HasSubstr("t.yaml:1:1: the IUT description must be a mapping"));
}

TEST(IutDescription, ReadyUriNeedsAPatternAndMatchGroups) {
  EXPECT_THAT(FirstError("name: x\nrole: client\nlaunch:\n  command: run\n  ready-uri: \"coap://{match.1}\"\n"),
              HasSubstr("t.yaml:4:3: 'ready-uri' needs a 'ready-pattern'"));
  EXPECT_THAT(FirstError("name: x\nrole: client\nlaunch:\n  command: run\n  ready-pattern: \"(.*)\"\n"
                         "  ready-uri: \"coap://{group1}\"\n"),
              HasSubstr("t.yaml:6:14: 'ready-uri': unknown variable {group1}"));
  EXPECT_THAT(FirstError("name: x\nrole: client\nlaunch:\n  command: run\n  ready-pattern: \"(unclosed\"\n"),
              HasSubstr("t.yaml:5:18: 'ready-pattern' is not a valid regular expression"));
}

TEST(IutDescription, UnknownTemplateVariableSuggests) {
  EXPECT_THAT(FirstError("name: x\nrole: client\nlaunch:\n  command: run --server {server_url}\n"),
              HasSubstr("t.yaml:4:12: launch command: unknown variable {server_url} (did you mean {server_uri}?)"));
  EXPECT_THAT(FirstError("name: x\nrole: client\nactions:\n  reboot: \"ctl '{endpoint}'\"\n"),
              HasSubstr("inside single quotes"));
}

TEST(IutDescription, ActionNeedsExactlyOneKind) {
  EXPECT_THAT(FirstError("name: x\nrole: client\nactions:\n  reboot: {shell: a, http: \"http://127.0.0.1:1/\"}\n"),
              HasSubstr("t.yaml:4:11: action 'reboot' needs exactly one of shell, http or control (found 2)"));
  EXPECT_THAT(FirstError("name: x\nrole: client\nlaunch: {command: run}\nactions:\n  reboot: {control: reboot}\n"),
              HasSubstr("uses the control channel but launch has no 'control-channel: true'"));
  EXPECT_THAT(FirstError("name: x\nrole: client\nactions:\n  up: {http: \"http://10.0.0.1/x\"}\n"),
              HasSubstr("plain HTTP on loopback"));
}

TEST(IutDescription, ActionArgsBecomeJson) {
  std::vector<Diagnostic> d;
  auto r = LoadIutYaml(
      "name: x\nrole: client\nactions:\n  set: {shell: \"ctl {arg.path}\", args: {path: /3/0/1, n: 5, s: \"5\", b: true}}\n",
      "t.yaml", d);
  ASSERT_TRUE(r.ok()) << Errors(d);
  const auto& a = r->actions.at("set").args;
  EXPECT_EQ(a["path"], "/3/0/1");
  EXPECT_EQ(a["n"], 5);
  EXPECT_EQ(a["s"], "5");
  EXPECT_EQ(a["b"], true);
}

TEST(IutDescription, MissingRequiredKeysAndServerWithoutReach) {
  EXPECT_THAT(FirstError("role: client\n"), HasSubstr("t.yaml:1:1: missing 'name'"));
  EXPECT_THAT(FirstError("name: s\nrole: server\n"), HasSubstr("a server IUT needs 'launch' or 'uri'"));
  EXPECT_THAT(FirstError("name: s\nrole: server\nuri: http://x\n"), HasSubstr("t.yaml:3:6: 'uri' must be a coap://"));
}

TEST(IutDescription, UnknownFeatureIsAWarningWithSuggestion) {
  std::vector<Diagnostic> d;
  auto r = LoadIutYaml("name: x\nrole: client\nuri: coap://127.0.0.1:5683\nfeatures: [obsrve, vendor-thing]\n",
                       "t.yaml", d);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].severity, Severity::kWarning);
  EXPECT_THAT(d[0].message, HasSubstr("t.yaml:4:12: unknown features value 'obsrve' (did you mean 'observe'?)"));
  EXPECT_TRUE(r->Features().count("vendor-thing"));
}

TEST(IutDescription, YamlSyntaxErrorAndMissingFile) {
  EXPECT_THAT(FirstError("name: x\nrole: [client\n"), HasSubstr("t.yaml:"));
  std::vector<Diagnostic> d;
  auto r = LoadIut("/nonexistent/iut.yaml", d);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("/nonexistent/iut.yaml: cannot read"));
}

TEST(IutDescription, MinimalClientWarnsItCanOnlyWait) {
  std::vector<Diagnostic> d;
  auto r = LoadIutYaml(kMinimal, "t.yaml", d);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_THAT(d[0].message, HasSubstr("neither 'launch' nor 'uri'"));
}

}  // namespace
}  // namespace lwm2m::iut
