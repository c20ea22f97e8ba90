// observation.h (internal to dm/): the ObservationManager of data_model.h: observations keyed by
// (ssid, token), their effective attributes (Observe query > attached > /1 defaults; INFO-1/2) and
// notification timing with injected time (Core TS 1.2 §6.4, §7.3.2; RFC 7641 §4.2).
//   ObservationManagerImpl obs(dm);   // owned by DataModel; reach it through dm.observations()
//   obs.Start(key, {Path{3303, 0, 5700}}, query, ContentFormat::kTextPlain, t0);
//   auto due = obs.Poll(t0 + std::chrono::seconds(10));
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "reference-client/dm/data_model.h"

namespace lwm2m::refclient {

class ObservationManagerImpl : public ObservationManager {
 public:
  explicit ObservationManagerImpl(const DataModel& dm) : dm_(dm) {}

  Status Start(const ObservationKey& key, const std::vector<Path>& paths, const NotificationAttributes& query_attributes,
               ContentFormat format, Clock::time_point now) override;
  void Cancel(const ObservationKey& key) override;
  void CancelAll(uint16_t ssid) override;
  size_t Count() const override { return obs_.size(); }
  std::vector<DueNotification> Poll(Clock::time_point now) override;
  std::optional<Clock::time_point> NextDeadline() const override;
  void SetOffline(uint16_t ssid, bool offline) override;
  std::vector<DueNotification> TakeStored(uint16_t ssid) override;
  std::optional<NotificationAttributes> Effective(const ObservationKey& key, const Path& path) const override;

  // Called by the data model after a value at `path` changed from `before` to `after` (None when
  // created or deleted; `path` may be an instance for creation/deletion).
  void RecordChange(const Path& path, const Value& before, const Value& after);

 private:
  struct Observation {
    std::vector<Path> paths;
    NotificationAttributes query;
    ContentFormat format = ContentFormat::kSenmlCbor;
    bool composite = false;
    Clock::time_point last_notify{};
    Clock::time_point last_eval{};
    std::map<Path, Value> notified;  // resource (instance) values at the last notification
    bool dirty = false;              // a change not yet evaluated
    bool qualified = false;          // a change met the conditions (pending until pmin)
    bool gone = false;               // an observed path disappeared: 4.04 and end
    std::deque<std::pair<uint64_t, DueNotification>> stored;  // (sequence, notification) while offline
  };

  NotificationAttributes EffectiveFor(const ObservationKey& key, const Observation& o, const Path& path) const;
  // Timing attributes of the whole observation (pmin, pmax, epmin, epmax, con, hqmax).
  NotificationAttributes Timing(const ObservationKey& key, const Observation& o) const;
  bool Qualifies(const ObservationKey& key, const Observation& o, const Path& resource, const Value& before,
                 const Value& after) const;
  bool SampleQualifies(const ObservationKey& key, const Observation& o) const;
  std::map<Path, Value> Snapshot(const Observation& o) const;
  DueNotification Build(const ObservationKey& key, Observation& o, Clock::time_point now);

  const DataModel& dm_;
  std::map<ObservationKey, Observation> obs_;
  std::set<uint16_t> offline_;
  uint64_t seq_ = 0;
};

}  // namespace lwm2m::refclient
