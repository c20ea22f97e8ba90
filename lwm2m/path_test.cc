// path_test.cc: LwM2M path parsing, formatting, ordering and prefixes
// (Core TS 1.2 §6.1 and §7.1; gateway prefix per Gateway TS §5).
#include "lwm2m/path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace lwm2m {
namespace {

TEST(Path, ParsesEveryLevel) {
  struct Case { const char* text; Path::Level level; size_t size; };
  for (const auto& c : std::vector<Case>{{"/", Path::Level::kRoot, 0},
                                         {"/3", Path::Level::kObject, 1},
                                         {"/3/0", Path::Level::kObjectInstance, 2},
                                         {"/3/0/1", Path::Level::kResource, 3},
                                         {"/3/0/11/2", Path::Level::kResourceInstance, 4}}) {
    auto p = Path::Parse(c.text);
    ASSERT_TRUE(p.ok()) << c.text << ": " << p.status().ToString();
    EXPECT_EQ(p->level(), c.level) << c.text;
    EXPECT_EQ(p->size(), c.size) << c.text;
    EXPECT_EQ(p->ToString(), c.text);
  }
}

TEST(Path, AccessorsReturnIdsAndNulloptBeyondDepth) {
  auto p = Path::Parse("/5/0/3");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->object_id(), 5);
  EXPECT_EQ(p->object_instance_id(), 0);
  EXPECT_EQ(p->resource_id(), 3);
  EXPECT_FALSE(p->resource_instance_id().has_value());
}

TEST(Path, AcceptsLargestIdAndRejectsReserved65535) {
  EXPECT_TRUE(Path::Parse("/65534/65534/65534/65534").ok());
  auto r = Path::Parse("/3/65535");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("65535 is reserved"), std::string::npos) << r.status().message();
  auto big = Path::Parse("/3/70000");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("above 65534"), std::string::npos);
  EXPECT_FALSE(Path::Parse("/99999999999999999999").ok());
}

TEST(Path, RejectsMalformedText) {
  for (const char* bad : {"", "3/0", "/3/", "//3", "/3//0", "/3/0/1/2/3", "/-1", "/+3", "/03", "/3/a", "/3/0x1", "/0x1/3",
                          "/dev1/3/0/1/2/3", "/dev 1/3"}) {
    auto r = Path::Parse(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "' parsed as " << (r.ok() ? r->ToString() : "");
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kBadRequest);
      EXPECT_FALSE(r.status().message().empty());
    }
  }
}

TEST(Path, ParsesGatewayPrefix) {
  auto p = Path::Parse("/dev1/3/0");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->prefix(), "dev1");
  EXPECT_EQ(p->level(), Path::Level::kObjectInstance);
  EXPECT_EQ(p->ToString(), "/dev1/3/0");
  EXPECT_EQ(p->WithoutPrefix().ToString(), "/3/0");
  auto only = Path::Parse("/dev1");
  ASSERT_TRUE(only.ok());
  EXPECT_TRUE(only->IsRoot());
  EXPECT_EQ(only->prefix(), "dev1");
  // A non-numeric segment is a prefix only in first position.
  EXPECT_FALSE(Path::Parse("/3/dev1").ok());
}

TEST(Path, PrefixTests) {
  Path root;
  Path obj{3}, inst{3, 0}, res{3, 0, 1}, other{3, 1, 1};
  EXPECT_TRUE(root.IsPrefixOf(res));
  EXPECT_TRUE(obj.IsPrefixOf(res));
  EXPECT_TRUE(inst.IsPrefixOf(res));
  EXPECT_TRUE(res.IsPrefixOf(res));
  EXPECT_FALSE(res.IsPrefixOf(inst));
  EXPECT_FALSE(inst.IsPrefixOf(other));
  // Different gateway prefixes never contain each other.
  EXPECT_FALSE(obj.IsPrefixOf(res.WithPrefix("dev1")));
  EXPECT_TRUE(obj.WithPrefix("dev1").IsPrefixOf(res.WithPrefix("dev1")));
}

TEST(Path, ParentChildAndTruncate) {
  Path p{3, 0, 11, 2};
  EXPECT_EQ(p.Parent(), (Path{3, 0, 11}));
  EXPECT_EQ(p.Truncated(1), Path{3});
  EXPECT_EQ(Path{}.Parent(), Path{});
  EXPECT_EQ((Path{3, 0}.Child(7)), (Path{3, 0, 7}));
  EXPECT_EQ(p.Parent().Child(2), p);
}

TEST(Path, OrdersAncestorsFirstThenNumerically) {
  std::vector<Path> v = {Path{3, 0, 11}, Path{3, 0, 2}, Path{3}, Path{}, Path{3, 0, 11, 0}, Path{1, 0}, Path{3, 0}};
  std::sort(v.begin(), v.end());
  std::vector<std::string> s;
  for (auto& p : v) s.push_back(p.ToString());
  EXPECT_EQ(s, (std::vector<std::string>{"/", "/1/0", "/3", "/3/0", "/3/0/2", "/3/0/11", "/3/0/11/0"}));
}

TEST(Path, EqualityIgnoresNothing) {
  EXPECT_EQ(*Path::Parse("/3/0"), (Path{3, 0}));
  EXPECT_NE(*Path::Parse("/3/0"), (Path{3, 0, 0}));
  EXPECT_NE(*Path::Parse("/d/3/0"), (Path{3, 0}));
}

TEST(ParseId, RangeAndSyntax) {
  EXPECT_EQ(*ParseId("0"), 0);
  EXPECT_EQ(*ParseId("65534"), 65534);
  EXPECT_FALSE(ParseId("65535").ok());
  EXPECT_FALSE(ParseId("").ok());
  EXPECT_FALSE(ParseId("007").ok());
  EXPECT_FALSE(ParseId("1e3").ok());
}

}  // namespace
}  // namespace lwm2m
