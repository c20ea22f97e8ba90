// Observations and notification timing with injected time: pmin/pmax, gt/lt/st crossings, edge
// (INFO-3), epmin/epmax, con, hqmax storage, Observe-query attributes over attached ones (INFO-1/2).
#include "reference-client/dm/observation.h"

#include <gtest/gtest.h>

#include "reference-client/dm/test_support.h"

namespace lwm2m::refclient {
namespace {

using namespace test;
using std::chrono::seconds;

class ObservationTest : public ::testing::Test, public DmFixture {
 protected:
  ObservationManager& obs() { return dm.observations(); }
  const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(1);
  ObservationKey key{101, "a1"};

  void Attach(std::string_view path, NotificationAttributes a) {
    ASSERT_EQ(CodeOf(Do(Operation::WriteAttributes(P(path), a))), "2.04");
  }
  void Temp(double v) { ASSERT_TRUE(dm.SetValue(P("/3303/0/5700"), Value::Float(v)).ok()); }
  double Notified(const DueNotification& n) {
    auto recs = Dec(n.payload_message, P("/3303/0/5700"));
    return recs.empty() ? -1 : recs[0].value.AsFloat();
  }
};

TEST_F(ObservationTest, StartChecksPathsAndAttributes) {
  EXPECT_EQ(obs().Start(key, {P("/3303/0/5700")}, {}, ContentFormat::kTextPlain, t0).code(), StatusCode::kOk);
  EXPECT_EQ(obs().Count(), 1u);
  EXPECT_EQ(obs().Start({101, "b"}, {P("/3303/9")}, {}, ContentFormat::kTextPlain, t0).code(), StatusCode::kNotFound);
  NotificationAttributes bad;
  bad.gt = 1;
  bad.lt = 5;
  EXPECT_EQ(obs().Start({101, "c"}, {P("/3303/0/5700")}, bad, ContentFormat::kTextPlain, t0).code(),
            StatusCode::kBadRequest);
  obs().Cancel(key);
  EXPECT_EQ(obs().Count(), 0u);
}

TEST_F(ObservationTest, ChangeNotifiesImmediatelyWithoutPmin) {
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, {}, ContentFormat::kTextPlain, t0).ok());
  EXPECT_TRUE(obs().Poll(t0 + seconds(1)).empty());
  EXPECT_FALSE(obs().NextDeadline().has_value());
  Temp(22.0);
  ASSERT_TRUE(obs().NextDeadline().has_value());
  auto due = obs().Poll(t0 + seconds(2));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].key.token_hex, "a1");
  EXPECT_EQ(CodeOf(due[0].payload_message), "2.05");
  EXPECT_EQ(due[0].payload_message.GetContentFormat(), ContentFormat::kTextPlain);
  EXPECT_EQ(Text(due[0].payload_message), "22");
  EXPECT_FALSE(due[0].confirmable);
  EXPECT_TRUE(obs().Poll(t0 + seconds(3)).empty());
}

TEST_F(ObservationTest, PminDelaysAndPmaxForces) {
  NotificationAttributes a;
  a.pmin = 10;
  a.pmax = 30;
  Attach("/3303/0/5700", a);
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, {}, ContentFormat::kTextPlain, t0).ok());
  Temp(23.0);
  EXPECT_TRUE(obs().Poll(t0 + seconds(5)).empty());     // within pmin
  EXPECT_EQ(*obs().NextDeadline(), t0 + seconds(10));
  auto d = obs().Poll(t0 + seconds(10));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(Text(d[0].payload_message), "23");
  EXPECT_EQ(*obs().NextDeadline(), t0 + seconds(40));  // pmax from the last notification
  EXPECT_TRUE(obs().Poll(t0 + seconds(39)).empty());
  EXPECT_EQ(obs().Poll(t0 + seconds(40)).size(), 1u);  // no change, pmax expired
}

TEST_F(ObservationTest, PmaxBelowPminIsIgnored) {
  NotificationAttributes a;
  a.pmin = 20;
  a.pmax = 10;
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, a, ContentFormat::kTextPlain, t0).ok());
  EXPECT_TRUE(obs().Poll(t0 + seconds(15)).empty());
  EXPECT_FALSE(obs().NextDeadline().has_value());
}

TEST_F(ObservationTest, DefaultPeriodsComeFromServerObject) {
  dm.SetValue(P("/1/0/2"), Value::Integer(4));
  dm.SetValue(P("/1/0/3"), Value::Integer(8));
  ASSERT_TRUE(obs().Start(key, {P("/3303/0")}, {}, ContentFormat::kSenmlJson, t0).ok());
  auto eff = obs().Effective(key, P("/3303/0"));
  EXPECT_EQ(eff->pmin, 4u);
  EXPECT_EQ(eff->pmax, 8u);
  EXPECT_EQ(obs().Poll(t0 + seconds(8)).size(), 1u);
}

TEST_F(ObservationTest, QueryAttributesOverrideAttachedForThatObservationOnlyInfo1) {
  NotificationAttributes attached;
  attached.pmin = 30;
  Attach("/3303/0/5700", attached);
  NotificationAttributes q;
  q.pmin = 2;
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, q, ContentFormat::kTextPlain, t0).ok());
  ObservationKey other{101, "b2"};
  ASSERT_TRUE(obs().Start(other, {P("/3303/0/5700")}, {}, ContentFormat::kTextPlain, t0).ok());
  EXPECT_EQ(obs().Effective(key, P("/3303/0/5700"))->pmin, 2u);
  EXPECT_EQ(obs().Effective(other, P("/3303/0/5700"))->pmin, 30u);
  Temp(24.0);
  auto d = obs().Poll(t0 + seconds(2));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].key.token_hex, "a1");
  // Discover still reports only the attached attributes.
  EXPECT_EQ(Text(Do(Operation::Discover(P("/3303/0/5700")))), "</3303/0/5700>;pmin=30");
}

TEST_F(ObservationTest, FaultIgnoreQueryAttributesLetsAttachedWin) {
  DmFixture f({.faults = {"ignore-query-attributes"}});
  NotificationAttributes attached;
  attached.pmin = 30;
  ASSERT_EQ(CodeOf(f.Do(Operation::WriteAttributes(P("/3303/0/5700"), attached))), "2.04");
  NotificationAttributes q;
  q.pmin = 2;
  ASSERT_TRUE(f.dm.observations().Start(key, {P("/3303/0/5700")}, q, ContentFormat::kTextPlain, t0).ok());
  EXPECT_EQ(f.dm.observations().Effective(key, P("/3303/0/5700"))->pmin, 30u);
  f.dm.SetValue(P("/3303/0/5700"), Value::Float(1));
  EXPECT_TRUE(f.dm.observations().Poll(t0 + seconds(2)).empty());
}

TEST_F(ObservationTest, AttributesInheritFromObjectAndInstanceLevels) {
  NotificationAttributes o;
  o.pmax = 100;
  Attach("/3303", o);
  NotificationAttributes i;
  i.pmin = 7;
  Attach("/3303/0", i);
  NotificationAttributes r;
  r.pmax = 50;
  Attach("/3303/0/5700", r);
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, {}, ContentFormat::kTextPlain, t0).ok());
  auto e = obs().Effective(key, P("/3303/0/5700"));
  EXPECT_EQ(e->pmin, 7u);
  EXPECT_EQ(e->pmax, 50u);  // the deeper level wins
}

TEST_F(ObservationTest, GreaterThanNotifiesOnCrossingOnly) {
  NotificationAttributes a;
  a.gt = 25;
  Attach("/3303/0/5700", a);
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, {}, ContentFormat::kTextPlain, t0).ok());
  Temp(24.0);  // below, no crossing
  EXPECT_TRUE(obs().Poll(t0 + seconds(1)).empty());
  Temp(26.0);  // crosses upwards
  auto d = obs().Poll(t0 + seconds(2));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_DOUBLE_EQ(Notified(d[0]), 26.0);
  Temp(27.0);  // stays above
  EXPECT_TRUE(obs().Poll(t0 + seconds(3)).empty());
  Temp(20.0);  // crosses downwards
  EXPECT_EQ(obs().Poll(t0 + seconds(4)).size(), 1u);
}

TEST_F(ObservationTest, LessThanAndStep) {
  NotificationAttributes a;
  a.lt = 10;
  a.st = 5;
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, a, ContentFormat::kTextPlain, t0).ok());  // 21.5
  Temp(24.0);  // +2.5 < st
  EXPECT_TRUE(obs().Poll(t0 + seconds(1)).empty());
  Temp(26.6);  // +5.1 from the last notified 21.5 >= st
  EXPECT_EQ(obs().Poll(t0 + seconds(2)).size(), 1u);
  Temp(25.0);  // -1.6 from 26.6
  EXPECT_TRUE(obs().Poll(t0 + seconds(3)).empty());
  Temp(9.0);   // crosses lt (and step)
  EXPECT_EQ(obs().Poll(t0 + seconds(4)).size(), 1u);
}

TEST_F(ObservationTest, EdgeRisingOnlyInfo3) {
  NotificationAttributes e;
  e.edge = true;
  ASSERT_TRUE(obs().Start(key, {P("/3200/0/5500")}, e, ContentFormat::kTextPlain, t0).ok());
  dm.SetValue(P("/3200/0/5500"), Value::Boolean(true));  // false -> true
  auto d = obs().Poll(t0 + seconds(1));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(Text(d[0].payload_message), "1");
  dm.SetValue(P("/3200/0/5500"), Value::Boolean(false));  // true -> false: no notification
  EXPECT_TRUE(obs().Poll(t0 + seconds(2)).empty());
}

TEST_F(ObservationTest, EdgeFallingOnlyInfo3) {
  NotificationAttributes e;
  e.edge = false;
  Attach("/3200/0/5500", e);
  ASSERT_TRUE(obs().Start(key, {P("/3200/0/5500")}, {}, ContentFormat::kTextPlain, t0).ok());
  dm.SetValue(P("/3200/0/5500"), Value::Boolean(true));
  EXPECT_TRUE(obs().Poll(t0 + seconds(1)).empty());
  dm.SetValue(P("/3200/0/5500"), Value::Boolean(false));
  auto d = obs().Poll(t0 + seconds(2));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(Text(d[0].payload_message), "0");
}

TEST_F(ObservationTest, FaultNoEdgeNotifiesBothTransitions) {
  DmFixture f({.faults = {"no-edge"}});
  NotificationAttributes e;
  e.edge = true;
  auto& o = f.dm.observations();
  ASSERT_TRUE(o.Start(key, {P("/3200/0/5500")}, e, ContentFormat::kTextPlain, t0).ok());
  f.dm.SetValue(P("/3200/0/5500"), Value::Boolean(true));
  EXPECT_EQ(o.Poll(t0 + seconds(1)).size(), 1u);
  f.dm.SetValue(P("/3200/0/5500"), Value::Boolean(false));
  EXPECT_EQ(o.Poll(t0 + seconds(2)).size(), 1u);  // would be silent with edge=1
}

TEST_F(ObservationTest, FaultIgnorePminAndIgnorePmax) {
  NotificationAttributes a;
  a.pmin = 10;
  a.pmax = 20;
  {
    DmFixture f({.faults = {"ignore-pmin"}});
    auto& o = f.dm.observations();
    ASSERT_TRUE(o.Start(key, {P("/3303/0/5700")}, a, ContentFormat::kTextPlain, t0).ok());
    f.dm.SetValue(P("/3303/0/5700"), Value::Float(1));
    EXPECT_EQ(o.Poll(t0 + seconds(1)).size(), 1u);  // correct behaviour waits until t0+10
  }
  {
    DmFixture f({.faults = {"ignore-pmax"}});
    auto& o = f.dm.observations();
    ASSERT_TRUE(o.Start(key, {P("/3303/0/5700")}, a, ContentFormat::kTextPlain, t0).ok());
    EXPECT_TRUE(o.Poll(t0 + seconds(25)).empty());  // correct behaviour notifies at t0+20
  }
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, a, ContentFormat::kTextPlain, t0).ok());
  EXPECT_EQ(obs().Poll(t0 + seconds(25)).size(), 1u);
}

TEST_F(ObservationTest, EpminDefersEvaluation) {
  NotificationAttributes a;
  a.epmin = 10;
  a.gt = 25;
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, a, ContentFormat::kTextPlain, t0).ok());
  Temp(30.0);
  EXPECT_TRUE(obs().Poll(t0 + seconds(5)).empty());  // not evaluated before epmin
  EXPECT_EQ(*obs().NextDeadline(), t0 + seconds(10));
  Temp(24.0);  // back below: the sample at t0+10 sees no crossing
  EXPECT_TRUE(obs().Poll(t0 + seconds(10)).empty());
  Temp(26.0);
  EXPECT_TRUE(obs().Poll(t0 + seconds(15)).empty());
  EXPECT_EQ(obs().Poll(t0 + seconds(20)).size(), 1u);
}

TEST_F(ObservationTest, EpmaxSamplesPeriodically) {
  NotificationAttributes a;
  a.epmax = 5;
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, a, ContentFormat::kTextPlain, t0).ok());
  EXPECT_EQ(*obs().NextDeadline(), t0 + seconds(5));
  EXPECT_TRUE(obs().Poll(t0 + seconds(5)).empty());  // sampled, unchanged
  EXPECT_EQ(*obs().NextDeadline(), t0 + seconds(10));
}

TEST_F(ObservationTest, ConMakesNotificationsConfirmable) {
  NotificationAttributes a;
  a.con = true;
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, a, ContentFormat::kTextPlain, t0).ok());
  Temp(1);
  auto d = obs().Poll(t0 + seconds(1));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_TRUE(d[0].confirmable);
  EXPECT_EQ(d[0].payload_message.type, CoapType::kConfirmable);
  // /1/x/26 Default Notification Mode 1 = CON when no con attribute is given.
  dm.SetValue(P("/1/0/26"), Value::Integer(1));
  ObservationKey k2{101, "c3"};
  ASSERT_TRUE(obs().Start(k2, {P("/3200/0/5500")}, {}, ContentFormat::kTextPlain, t0).ok());
  dm.SetValue(P("/3200/0/5500"), Value::Boolean(true));
  auto d2 = obs().Poll(t0 + seconds(2));
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_TRUE(d2[0].confirmable);
}

TEST_F(ObservationTest, OfflineNotificationsAreStoredUpToHqmax) {
  NotificationAttributes a;
  a.hqmax = 2;
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, a, ContentFormat::kTextPlain, t0).ok());
  obs().SetOffline(101, true);
  for (int i = 1; i <= 3; ++i) {
    Temp(30.0 + i);
    EXPECT_TRUE(obs().Poll(t0 + seconds(i)).empty());
  }
  obs().SetOffline(101, false);
  auto stored = obs().TakeStored(101);
  ASSERT_EQ(stored.size(), 2u);  // the oldest was dropped
  EXPECT_EQ(Text(stored[0].payload_message), "32");
  EXPECT_EQ(Text(stored[1].payload_message), "33");
  EXPECT_TRUE(obs().TakeStored(101).empty());
}

TEST_F(ObservationTest, OfflineWithoutNotificationStoringDrops) {
  dm.SetValue(P("/1/0/6"), Value::Boolean(false));
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700")}, {}, ContentFormat::kTextPlain, t0).ok());
  obs().SetOffline(101, true);
  Temp(40.0);
  EXPECT_TRUE(obs().Poll(t0 + seconds(1)).empty());
  obs().SetOffline(101, false);
  EXPECT_TRUE(obs().TakeStored(101).empty());
  Temp(41.0);
  EXPECT_EQ(obs().Poll(t0 + seconds(2)).size(), 1u);
}

TEST_F(ObservationTest, CompositeObservationNotifiesAllPathsInfo2) {
  NotificationAttributes q;
  q.pmin = 3;
  ASSERT_TRUE(obs().Start(key, {P("/3303/0/5700"), P("/3200/0/5500")}, q, ContentFormat::kSenmlCbor, t0).ok());
  EXPECT_EQ(obs().Effective(key, P("/3303/0/5700"))->pmin, 3u);
  dm.SetValue(P("/3200/0/5500"), Value::Boolean(true));
  EXPECT_TRUE(obs().Poll(t0 + seconds(1)).empty());
  auto d = obs().Poll(t0 + seconds(3));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].payload_message.GetContentFormat(), ContentFormat::kSenmlCbor);
  auto recs = Dec(d[0].payload_message);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_TRUE(Find(recs, "/3200/0/5500")->value.AsBoolean());
  EXPECT_DOUBLE_EQ(Find(recs, "/3303/0/5700")->value.AsFloat(), 21.5);
}

TEST_F(ObservationTest, ObserveCompositeRequestGivesPathsAndFirstResponse) {
  Bytes list = Enc(ContentFormat::kSenmlJson, {{P("/3303/0/5700"), {}, {}}, {P("/3/0/0"), {}, {}}});
  NotificationAttributes q;
  q.pmax = 9;
  CoapMessage req = Operation::ObserveComposite(ContentFormat::kSenmlJson, list, q).ToCoap();
  auto resp = dm.Handle(req, Requester::Server(101));
  ASSERT_EQ(CodeOf(resp), "2.05") << Text(resp);
  EXPECT_EQ(resp.GetContentFormat(), ContentFormat::kSenmlJson);
  auto paths = dm.CompositePaths(req);
  ASSERT_TRUE(paths.ok());
  ASSERT_EQ(paths->size(), 2u);
  ASSERT_TRUE(obs().Start(key, *paths, q, *resp.GetContentFormat(), t0).ok());
  EXPECT_EQ(obs().Poll(t0 + seconds(9)).size(), 1u);
}

TEST_F(ObservationTest, ObserveRequestWithInvalidQueryIs400) {
  NotificationAttributes bad;
  bad.gt = 1;
  bad.lt = 3;
  EXPECT_EQ(CodeOf(Do(Operation::Observe(P("/3303/0/5700"), bad))), "4.00");
  NotificationAttributes e;
  e.edge = true;
  EXPECT_EQ(CodeOf(Do(Operation::Observe(P("/3303/0/5700"), e))), "4.00");  // edge on a Float
  EXPECT_EQ(CodeOf(Do(Operation::Observe(P("/3303/0/5700"), {}, ContentFormat::kTextPlain))), "2.05");
}

TEST_F(ObservationTest, DeletedInstanceEndsTheObservationWith404) {
  dm.CreateInstance(3200, 3);
  dm.SetValue(P("/3200/3/5500"), Value::Boolean(false));
  ASSERT_TRUE(obs().Start(key, {P("/3200/3")}, {}, ContentFormat::kSenmlCbor, t0).ok());
  ASSERT_EQ(CodeOf(Do(Operation::Delete(P("/3200/3")))), "2.02");
  auto d = obs().Poll(t0 + seconds(1));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(CodeOf(d[0].payload_message), "4.04");
  EXPECT_EQ(obs().Count(), 0u);
}

TEST_F(ObservationTest, CancelAllForOneServer) {
  ASSERT_TRUE(obs().Start({101, "1"}, {P("/3/0/0")}, {}, ContentFormat::kTextPlain, t0).ok());
  ASSERT_TRUE(obs().Start({101, "2"}, {P("/3/0/1")}, {}, ContentFormat::kTextPlain, t0).ok());
  ASSERT_TRUE(obs().Start({202, "1"}, {P("/3/0/1")}, {}, ContentFormat::kTextPlain, t0).ok());
  obs().CancelAll(101);
  EXPECT_EQ(obs().Count(), 1u);
}

TEST_F(ObservationTest, InstanceObservationNotifiesAnyChangeBelow) {
  NotificationAttributes g;
  g.gt = 100;  // resource-level attribute: not a condition for an instance observation
  Attach("/3303/0/5700", g);
  ASSERT_TRUE(obs().Start(key, {P("/3303/0")}, {}, ContentFormat::kSenmlJson, t0).ok());
  Temp(22.0);
  auto d = obs().Poll(t0 + seconds(1));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_DOUBLE_EQ(Find(Dec(d[0].payload_message), "/3303/0/5700")->value.AsFloat(), 22.0);
}

}  // namespace
}  // namespace lwm2m::refclient
