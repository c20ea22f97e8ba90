// template_test.cc: placeholder expansion, shell quoting of hostile values, variables.
#include "harness/iut/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

namespace lwm2m::iut {
namespace {

using ::testing::HasSubstr;

// Runs `cmd` with /bin/sh and returns its stdout.
std::string RunShell(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[256];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

TEST(Template, ExpandsNamedVariables) {
  auto r = Expand("client --server {server_uri} --endpoint {endpoint}", {{"server_uri", "coap://127.0.0.1:5683"}, {"endpoint", "ep1"}}, true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "client --server coap://127.0.0.1:5683 --endpoint ep1");
}

TEST(Template, QuotesHostileValuesAsOneShellWord) {
  auto r = Expand("printf %s {x}", {{"x", "'; rm -rf /'"}}, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "printf %s ''\\''; rm -rf /'\\'''");
  for (std::string hostile : {std::string("'; rm -rf /'"), std::string("$(echo pwned)"), std::string("`echo pwned`"),
                              std::string("a b\tc\nd"), std::string("\"quoted\" \\ back"), std::string("*"),
                              std::string(""), std::string("x; echo pwned #")}) {
    auto cmd = Expand("printf '<%s>' {x}", {{"x", hostile}}, true);
    ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
    EXPECT_EQ(RunShell(*cmd), "<" + hostile + ">") << *cmd;
  }
}

TEST(Template, SafeValuesStayUnquoted) {
  EXPECT_EQ(ShellQuote("coap://127.0.0.1:5683/rd?x=1,2"), "'coap://127.0.0.1:5683/rd?x=1,2'");  // '?' is a glob
  EXPECT_EQ(ShellQuote("coap://127.0.0.1:5683"), "coap://127.0.0.1:5683");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(Template, UnknownVariableIsAnErrorWithSuggestion) {
  auto r = Expand("run {server_url}", {{"server_uri", "x"}}, true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "unknown variable {server_url} at offset 4 (did you mean {server_uri}?)");
  EXPECT_EQ(r.status().code(), StatusCode::kBadRequest);
}

TEST(Template, DoubledBracesAreLiteral) {
  auto r = Expand("echo ${{HOME}} {{x}} {x}", {{"x", "1"}}, true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "echo ${HOME} {x} 1");
}

TEST(Template, UnbalancedBracesAreErrors) {
  auto a = Expand("echo ${HOME}", {}, true);
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(a.status().message(), HasSubstr("unknown variable {HOME} at offset 6"));
  auto b = Expand("awk '{print $1}'", {}, false);
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.status().message(), HasSubstr("'{' at offset 5 does not start a placeholder"));
  auto c = Expand("a } b", {}, false);
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("unbalanced '}' at offset 2"));
  EXPECT_FALSE(Expand("a {x", {{"x", "1"}}, false).ok());
}

TEST(Template, PlaceholderInsideShellQuotesIsRejected) {
  auto r = Expand("echo '{x}'", {{"x", "a'b"}}, true);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("inside single quotes"));
  EXPECT_FALSE(Expand("echo \"{x}\"", {{"x", "a"}}, true).ok());
  EXPECT_TRUE(Expand("echo \\'{x}", {{"x", "a"}}, true).ok());  // an escaped quote opens nothing
  EXPECT_EQ(*Expand("'{x}'", {{"x", "a b"}}, false), "'a b'");  // not a shell template: no quoting
}

TEST(Template, ArgsVariablesAreInsertedAsTheyAre) {
  Variables v = {{"fault_args", ShellArgs("--fault", {"no-version-fallback", "a b"})}};
  auto r = Expand("client {fault_args}", v, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "client --fault no-version-fallback --fault 'a b'");
  EXPECT_EQ(ShellArgs("--fault", {}), "");
}

TEST(Template, ConditionalSectionOnlyWhenNonEmpty) {
  const std::string t = "c {?psk_identity:--psk-identity {psk_identity} --psk-key {psk_key_hex}} --ep {endpoint}";
  Variables v = {{"psk_identity", "id 1"}, {"psk_key_hex", "0011"}, {"endpoint", "e"}};
  EXPECT_EQ(*Expand(t, v, true), "c --psk-identity 'id 1' --psk-key 0011 --ep e");
  v["psk_identity"] = "";
  EXPECT_EQ(*Expand(t, v, true), "c  --ep e");
  EXPECT_FALSE(Expand("{?nope:x}", v, true).ok());
  EXPECT_FALSE(Expand("{?psk_identity:{missing}}", {{"psk_identity", "x"}}, true).ok());
  EXPECT_TRUE(Expand("{?psk_identity:{missing}}", {{"psk_identity", ""}}, true).ok());  // not expanded
  EXPECT_FALSE(Expand("{?psk_identity:unterminated", v, true).ok());
  EXPECT_EQ(TemplateNames(t), (std::vector<std::string>{"psk_identity", "psk_identity", "psk_key_hex", "endpoint"}));
}

TEST(Template, CheckTemplateKnowsTheStandardNames) {
  EXPECT_TRUE(CheckTemplate("x {server_uri} {fault_args} {?bootstrap_uri:-b {bootstrap_uri}}", StandardVariableNames()).ok());
  auto s = CheckTemplate("x {srever_uri}", StandardVariableNames());
  EXPECT_THAT(s.message(), HasSubstr("did you mean {server_uri}?"));
}

TEST(Template, PercentEncodingForUrls) {
  EXPECT_EQ(PercentEncode("a b/c?d=é"), "a%20b%2Fc%3Fd%3D%C3%A9");
  auto r = ExpandWith("http://127.0.0.1:1/x?ep={endpoint}", {{"endpoint", "a&b"}}, &PercentEncode);
  EXPECT_EQ(*r, "http://127.0.0.1:1/x?ep=a%26b");
}

TEST(Template, MakeVariablesFillsDefaultsFromTheIutFile) {
  IutDescription iut;
  iut.file = "testcases/iut/x.yaml";
  iut.name = "x";
  iut.endpoint = "file-ep";
  iut.psk_identity = "pid";
  iut.psk_key_hex = "00ff";
  VariableInputs in;
  in.server_uri = "coap://127.0.0.1:1";
  in.port = 4000;
  in.faults = {"no-version-fallback", "register-all-servers"};
  in.time_scale = 0.5;
  Variables v = MakeVariables(iut, in);
  EXPECT_EQ(v["endpoint"], "file-ep");
  EXPECT_EQ(v["psk_key_hex"], "00ff");
  EXPECT_EQ(v["port"], "4000");
  EXPECT_EQ(v["faults"], "no-version-fallback,register-all-servers");
  EXPECT_EQ(v["fault_args"], "--fault no-version-fallback --fault register-all-servers");
  EXPECT_EQ(v["iut_dir"], "testcases/iut");
  EXPECT_EQ(v["time_scale"], "0.5");
  for (const auto& name : StandardVariableNames()) EXPECT_TRUE(v.count(name)) << name;
  in.endpoint = "case-ep";
  EXPECT_EQ(MakeVariables(iut, in)["endpoint"], "case-ep");
}

}  // namespace
}  // namespace lwm2m::iut
