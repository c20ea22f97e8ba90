// attributes_test.cc: <NOTIFICATION> attributes in Uri-Query form and their
// rules (Core TS 1.2 §7.3.2, Table 7.3.2-1; Write-Attributes §6.3.4), and
// <PROPERTIES> attributes read from Discover links (Table 7.3.1-1).
#include "lwm2m/attributes.h"

#include <gtest/gtest.h>

namespace lwm2m {
namespace {

using NA = NotificationAttribute;

bool Has(const std::vector<Diagnostic>& ds, Severity s, std::string_view needle) {
  for (const auto& d : ds)
    if (d.severity == s && d.message.find(needle) != std::string::npos) return true;
  return false;
}
std::string Dump(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += d.ToString() + "\n";
  return s;
}

TEST(NotificationAttributes, ParsesAllTenAndFormatsInCanonicalOrder) {
  auto r = ParseNotificationAttributes({"hqmax=10", "con=1", "edge=0", "epmax=60", "epmin=1", "st=0.5", "lt=-5",
                                        "gt=25.25", "pmax=15", "pmin=5"});
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  const auto& a = r.attributes;
  EXPECT_EQ(a.pmin, 5u);
  EXPECT_EQ(a.pmax, 15u);
  EXPECT_EQ(a.gt, 25.25);
  EXPECT_EQ(a.lt, -5.0);
  EXPECT_EQ(a.st, 0.5);
  EXPECT_EQ(a.epmin, 1u);
  EXPECT_EQ(a.epmax, 60u);
  EXPECT_EQ(a.edge, false);
  EXPECT_EQ(a.con, true);
  EXPECT_EQ(a.hqmax, 10u);
  EXPECT_EQ(FormatNotificationAttributes(a),
            (std::vector<std::string>{"pmin=5", "pmax=15", "gt=25.25", "lt=-5", "st=0.5", "epmin=1", "epmax=60",
                                      "edge=0", "con=1", "hqmax=10"}));
  EXPECT_EQ(ToQueryString(a), "pmin=5&pmax=15&gt=25.25&lt=-5&st=0.5&epmin=1&epmax=60&edge=0&con=1&hqmax=10");
}

// Core TS 1.2 §6.3.4: an attribute without a value unsets it at that level.
TEST(NotificationAttributes, BareNameMeansUnset) {
  auto r = ParseNotificationAttributes({"pmax", "gt", "pmin=30"});
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  EXPECT_TRUE(r.attributes.IsUnset(NA::kPmax));
  EXPECT_TRUE(r.attributes.IsUnset(NA::kGt));
  EXPECT_FALSE(r.attributes.IsSet(NA::kPmax));
  EXPECT_TRUE(r.attributes.IsSet(NA::kPmin));
  EXPECT_EQ(r.attributes.unset, (std::vector<NA>{NA::kPmax, NA::kGt}));
  EXPECT_EQ(ToQueryString(r.attributes), "pmin=30&pmax&gt");
  EXPECT_FALSE(r.attributes.empty());
  EXPECT_TRUE(ParseNotificationAttributes({}).attributes.empty());
}

// Values from Leshan's DefaultLwM2mAttributeParserTest (valid: lt=-30.55, gt=60.55, ...;
// invalid: pmin=, pmin=1.9, pmin=-1.8, pmin=a, pmax=-2, pmax=2.7, dim).
TEST(NotificationAttributes, AcceptsSignedDecimalThresholds) {
  auto r = ParseNotificationAttributes({"lt=-30.55", "gt=60.55", "st=60"});
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  EXPECT_DOUBLE_EQ(*r.attributes.lt, -30.55);
  EXPECT_DOUBLE_EQ(*r.attributes.gt, 60.55);
}

TEST(NotificationAttributes, RejectsValuesOutsideTheSyntax) {
  struct Case { const char* query; const char* message; };
  for (const Case& c : std::vector<Case>{
           {"pmin=", "'pmin=' has '=' but no value"},
           {"pmin=1.9", "pmin has value '1.9', which is not a non-negative integer"},
           {"pmin=-1.8", "pmin has value '-1.8', which is not a non-negative integer"},
           {"pmin=a", "pmin has value 'a'"},
           {"pmax=-2", "pmax has value '-2'"},
           {"epmax=+3", "epmax has value '+3'"},
           {"hqmax=99999999999999999999999", "hqmax has value '99999999999999999999999'"},
           {"gt=1e3", "gt has value '1e3', which is not a decimal number"},
           {"lt=.5", "lt has value '.5'"},
           {"lt=5.", "lt has value '5.'"},
           {"st=-1", "st has negative value -1"},
           {"edge=2", "edge has value '2', which is not 0 or 1"},
           {"con=true", "con has value 'true', which is not 0 or 1"},
       }) {
    auto r = ParseNotificationAttributes({c.query});
    EXPECT_TRUE(Has(r.diagnostics, Severity::kError, c.message)) << c.query << "\n" << Dump(r.diagnostics);
    EXPECT_TRUE(r.attributes.empty()) << c.query;
  }
}

TEST(NotificationAttributes, PropertiesAttributesAreReadOnly) {
  for (const char* q : {"dim", "dim=2", "ver=1.1", "ssid=1", "uri=x", "lwm2m=1.2"}) {
    auto r = ParseNotificationAttributes({q});
    EXPECT_TRUE(Has(r.diagnostics, Severity::kError, "is a <PROPERTIES> attribute, which is read-only")) << q;
    EXPECT_TRUE(r.attributes.unknown.empty());
  }
}

TEST(NotificationAttributes, RejectsAttributeGivenTwice) {
  auto r = ParseNotificationAttributes({"pmin=1", "pmin=2"});
  EXPECT_TRUE(Has(r.diagnostics, Severity::kError, "attribute pmin is given more than once")) << Dump(r.diagnostics);
  EXPECT_EQ(r.attributes.pmin, 1u);
  auto u = ParseNotificationAttributes({"pmin", "pmin=3"});
  EXPECT_TRUE(u.HasErrors());
}

TEST(NotificationAttributes, ListsUnknownNamesWithAWarning) {
  auto r = ParseNotificationAttributes({"pmin=1", "foo=bar", "c.band"});
  EXPECT_FALSE(r.HasErrors());
  EXPECT_EQ(r.attributes.unknown, (std::vector<std::string>{"foo=bar", "c.band"}));
  EXPECT_TRUE(Has(r.diagnostics, Severity::kWarning, "'foo=bar' is not a <NOTIFICATION> attribute"));
  EXPECT_EQ(ToQueryString(r.attributes), "pmin=1");  // unknown items are not formatted
}

TEST(NotificationAttributes, FormatsDecimalsWithoutExponent) {
  NotificationAttributes a;
  a.gt = 0.0000001;
  a.lt = -0.5;
  a.st = 20.0;
  EXPECT_EQ(ToQueryString(a), "gt=0.0000001&lt=-0.5&st=20");
  auto back = ParseNotificationAttributes(FormatNotificationAttributes(a));
  EXPECT_TRUE(back.diagnostics.empty()) << Dump(back.diagnostics);
  EXPECT_EQ(back.attributes, a);
}

// Core TS 1.2 §7.3.2: lt < gt and lt + 2*st < gt, else 4.00.
TEST(NotificationAttributes, ValidatesThresholdConsistency) {
  NotificationAttributes ok;
  ok.lt = 10;
  ok.gt = 20;
  ok.st = 4.5;
  EXPECT_TRUE(ValidateNotificationAttributes(ok).empty());
  NotificationAttributes crossed = ok;
  crossed.lt = 20;
  auto d1 = ValidateNotificationAttributes(crossed);
  EXPECT_TRUE(Has(d1, Severity::kError, "lt 20 is not below gt 20; lt < gt is required (4.00)")) << Dump(d1);
  NotificationAttributes step = ok;
  step.st = 5;
  auto d2 = ValidateNotificationAttributes(step);
  EXPECT_TRUE(Has(d2, Severity::kError, "lt + 2*st = 20 is not below gt 20")) << Dump(d2);
  NotificationAttributes negative;
  negative.st = -1;
  EXPECT_TRUE(Has(ValidateNotificationAttributes(negative), Severity::kError, "the step must be >= 0"));
}

// pmax < pmin: pmax is ignored (a warning, not a 4.00).
TEST(NotificationAttributes, PmaxBelowPminIsAWarning) {
  NotificationAttributes a;
  a.pmin = 30;
  a.pmax = 10;
  a.epmin = 9;
  a.epmax = 3;
  auto d = ValidateNotificationAttributes(a);
  EXPECT_FALSE(HasErrors(d)) << Dump(d);
  EXPECT_TRUE(Has(d, Severity::kWarning, "pmax 10 is below pmin 30: pmax is then ignored"));
  EXPECT_TRUE(Has(d, Severity::kWarning, "epmax 3 is below epmin 9"));
}

TEST(NotificationAttributes, ThresholdsOnlyOnNumericResources) {
  NotificationAttributes a;
  a.gt = 5;
  auto s = ValidateNotificationAttributes(a, {*Path::Parse("/3/0/0"), DataType::kString});
  EXPECT_TRUE(Has(s, Severity::kError, "gt, lt and st apply only to numeric resources")) << Dump(s);
  EXPECT_EQ(s[0].path, "/3/0/0");
  for (DataType t : {DataType::kInteger, DataType::kUnsignedInteger, DataType::kFloat})
    EXPECT_TRUE(ValidateNotificationAttributes(a, {*Path::Parse("/3/0/7/0"), t}).empty());
  auto level = ValidateNotificationAttributes(a, {*Path::Parse("/3/0"), std::nullopt});
  EXPECT_TRUE(Has(level, Severity::kError, "apply only to a Resource or Resource Instance, not to /3/0"));
}

TEST(NotificationAttributes, EdgeOnlyOnBooleanResources) {
  NotificationAttributes a;
  a.edge = true;
  EXPECT_TRUE(ValidateNotificationAttributes(a, {*Path::Parse("/3200/0/5500"), DataType::kBoolean}).empty());
  EXPECT_TRUE(Has(ValidateNotificationAttributes(a, {*Path::Parse("/3/0/9"), DataType::kInteger}), Severity::kError,
                  "edge applies only to Boolean resources, not to Integer"));
  EXPECT_TRUE(Has(ValidateNotificationAttributes(a, {*Path::Parse("/3200"), std::nullopt}), Severity::kError,
                  "edge applies only to a Resource"));
  // pmin, pmax, con and hqmax go on any level.
  NotificationAttributes any;
  any.pmin = 1;
  any.con = true;
  any.hqmax = 4;
  EXPECT_TRUE(ValidateNotificationAttributes(any, {Path{}, std::nullopt}).empty());
}

// Discover payloads (Core TS 1.2 §6.3.2; ETS int-260 shape): </3/0/7>;dim=2;pmin=10;pmax=60.
TEST(LinkAttributes, ReadsDiscoverLinkParameters) {
  Link l{"/3/0/7", {{"dim", "2", false}, {"pmin", "10", false}, {"pmax", "60", false}}};
  LinkAttributes r = ParseLinkAttributes(l);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  EXPECT_EQ(r.properties.dim, 2u);
  EXPECT_EQ(r.notification.pmin, 10u);
  EXPECT_EQ(r.notification.pmax, 60u);

  // Bootstrap-Discover (§6.1.7.3): </>;lwm2m=1.2, </0/0>;ssid=101;uri="coap://s", </3>;ver=1.2.
  EXPECT_EQ(ParseLinkAttributes({"/", {{"lwm2m", "1.2", false}}}).properties.lwm2m, "1.2");
  LinkAttributes sec = ParseLinkAttributes({"/0/0", {{"ssid", "101", false}, {"uri", "coap://s", true}}});
  EXPECT_EQ(sec.properties.ssid, 101u);
  EXPECT_EQ(sec.properties.uri, "coap://s");
  EXPECT_TRUE(sec.diagnostics.empty());
  EXPECT_EQ(ParseLinkAttributes({"/3", {{"ver", "1.2", false}, {"ct", "60", false}}}).properties.ver, "1.2");
}

TEST(LinkAttributes, ReportsOutOfRangeProperties) {
  struct Case { LinkParam p; const char* message; };
  for (const Case& c : std::vector<Case>{{{"dim", "70000", false}, "dim=70000 is not an integer 0..65535"},
                                         {{"ssid", "0", false}, "ssid=0 is not a Short Server ID 1..65534"},
                                         {{"ssid", "65535", false}, "ssid=65535"},
                                         {{"ver", "1", false}, "ver=1 is not a version"},
                                         {{"dim", std::nullopt, false}, "dim has no value"},
                                         {{"pmin", "x", false}, "attribute pmin has value 'x'"}}) {
    LinkAttributes r = ParseLinkAttributes({"/3/0/7", {c.p}});
    EXPECT_TRUE(Has(r.diagnostics, Severity::kError, c.message)) << c.message << "\n" << Dump(r.diagnostics);
    EXPECT_EQ(r.diagnostics[0].path, "/3/0/7");
  }
  LinkAttributes unquoted = ParseLinkAttributes({"/0/0", {{"uri", "coap://s", false}}});
  EXPECT_TRUE(Has(unquoted.diagnostics, Severity::kWarning, "uri is not a quoted string"));
}

}  // namespace
}  // namespace lwm2m
