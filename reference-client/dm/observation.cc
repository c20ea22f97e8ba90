#include "reference-client/dm/observation.h"

#include <algorithm>
#include <cmath>

#include "reference-client/dm/format.h"

namespace lwm2m::refclient {
namespace {

std::optional<double> Numeric(const Value& v) {
  switch (v.type()) {
    case DataType::kInteger:
    case DataType::kTime: return static_cast<double>(v.AsInteger());
    case DataType::kUnsignedInteger: return static_cast<double>(v.AsUnsigned());
    case DataType::kFloat: return v.AsFloat();
    default: return std::nullopt;
  }
}

Clock::duration Secs(uint64_t s) { return std::chrono::seconds(static_cast<int64_t>(std::min<uint64_t>(s, 1u << 30))); }

}  // namespace

Status ObservationManagerImpl::Start(const ObservationKey& key, const std::vector<Path>& paths,
                                     const NotificationAttributes& query, ContentFormat format, Clock::time_point now) {
  if (paths.empty()) return BadRequest("an observation needs at least one path");
  for (const Path& p : paths) {
    if (p.IsRoot()) return Status{StatusCode::kMethodNotAllowed, "an observation is never on /"};
    if (!dm_.Exists(p)) return NotFound(p.ToString() + " does not exist");
    if (paths.size() == 1) {
      AttributeTarget t;
      t.path = p;
      if (p.size() >= 3)
        if (const ResourceModel* rm = dm_.models().FindResource(p)) t.type = rm->type;
      for (const Diagnostic& d : ValidateNotificationAttributes(query, t))
        if (d.severity == Severity::kError) return BadRequest(d.message + " [" + d.rule + "]");
    }
  }
  Observation o;
  o.paths = paths;
  o.query = query;
  o.query.unset.clear();
  o.format = format;
  o.composite = paths.size() > 1;
  o.last_notify = now;
  o.last_eval = now;
  o.notified = Snapshot(o);
  obs_[key] = std::move(o);  // RFC 7641 §4.1: the same token again replaces the observation
  return Status::Ok();
}

void ObservationManagerImpl::Cancel(const ObservationKey& key) { obs_.erase(key); }

void ObservationManagerImpl::CancelAll(uint16_t ssid) {
  for (auto it = obs_.begin(); it != obs_.end();) it = it->first.ssid == ssid ? obs_.erase(it) : std::next(it);
}

void ObservationManagerImpl::SetOffline(uint16_t ssid, bool offline) {
  if (offline)
    offline_.insert(ssid);
  else
    offline_.erase(ssid);
}

std::vector<DueNotification> ObservationManagerImpl::TakeStored(uint16_t ssid) {
  std::vector<std::pair<uint64_t, DueNotification>> all;
  for (auto& [key, o] : obs_) {
    if (key.ssid != ssid) continue;
    for (auto& x : o.stored) all.push_back(std::move(x));
    o.stored.clear();
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<DueNotification> out;
  for (auto& x : all) out.push_back(std::move(x.second));
  return out;
}

NotificationAttributes ObservationManagerImpl::EffectiveFor(const ObservationKey& key, const Observation& o,
                                                            const Path& path) const {
  NotificationAttributes inherited = dm_.InheritedAttributes(key.ssid, path);
  NotificationAttributes out;
  auto over = [](NotificationAttributes& dst, const NotificationAttributes& src) {
    if (src.pmin) dst.pmin = src.pmin;
    if (src.pmax) dst.pmax = src.pmax;
    if (src.gt) dst.gt = src.gt;
    if (src.lt) dst.lt = src.lt;
    if (src.st) dst.st = src.st;
    if (src.epmin) dst.epmin = src.epmin;
    if (src.epmax) dst.epmax = src.epmax;
    if (src.edge) dst.edge = src.edge;
    if (src.con) dst.con = src.con;
    if (src.hqmax) dst.hqmax = src.hqmax;
  };
  if (dm_.HasFault("ignore-query-attributes")) {
    // Fault: the attached (and default) attributes win over the Observe query (breaks INFO-1/2).
    over(out, o.query);
    over(out, inherited);
  } else {
    // LightweightM2M-INFO-1/2, Core TS 1.2 §6.4.1/§6.4.4: the Observe's attributes override the
    // attached ones for this observation only.
    over(out, inherited);
    over(out, o.query);
  }
  if (dm_.HasFault("no-edge")) out.edge.reset();
  if (dm_.HasFault("ignore-pmin")) out.pmin.reset();
  if (dm_.HasFault("ignore-pmax")) out.pmax.reset();
  return out;
}

NotificationAttributes ObservationManagerImpl::Timing(const ObservationKey& key, const Observation& o) const {
  return EffectiveFor(key, o, o.composite ? Path() : o.paths[0]);
}

std::optional<NotificationAttributes> ObservationManagerImpl::Effective(const ObservationKey& key,
                                                                        const Path& path) const {
  auto it = obs_.find(key);
  if (it == obs_.end()) return std::nullopt;
  return EffectiveFor(key, it->second, path);
}

bool ObservationManagerImpl::Qualifies(const ObservationKey& key, const Observation& o, const Path& resource,
                                       const Value& before, const Value& after) const {
  // gt/lt/st and edge apply to the observation of that Resource (or Resource Instance) itself
  // (Core TS 1.2 §7.3.2); an observed Object or Instance notifies on any change below it.
  bool resource_observed = false;
  for (const Path& p : o.paths)
    if (p.size() >= 3 && p.IsPrefixOf(resource)) resource_observed = true;
  if (!resource_observed || resource.size() < 3) return !(before == after);
  NotificationAttributes a = EffectiveFor(key, o, resource);
  if (after.type() == DataType::kBoolean && a.edge) {
    // LightweightM2M-INFO-3: edge=1 only false->true, edge=0 only true->false.
    bool b = before.type() == DataType::kBoolean && before.AsBoolean();
    if (before.type() != DataType::kBoolean) return false;
    return *a.edge ? (!b && after.AsBoolean()) : (b && !after.AsBoolean());
  }
  auto nv = Numeric(after);
  if (nv && (a.gt || a.lt || a.st)) {
    auto it = o.notified.find(resource);
    std::optional<double> last = it != o.notified.end() ? Numeric(it->second) : Numeric(before);
    if (!last) return true;
    bool hit = false;
    if (a.gt && ((*last > *a.gt) != (*nv > *a.gt))) hit = true;
    if (a.lt && ((*last < *a.lt) != (*nv < *a.lt))) hit = true;
    if (a.st && std::fabs(*nv - *last) >= *a.st) hit = true;
    return hit;
  }
  return !(before == after);
}

bool ObservationManagerImpl::SampleQualifies(const ObservationKey& key, const Observation& o) const {
  std::map<Path, Value> now = Snapshot(o);
  if (now.size() != o.notified.size()) return true;
  for (const auto& [p, v] : now) {
    auto it = o.notified.find(p);
    if (it == o.notified.end()) return true;
    if (Qualifies(key, o, p, it->second, v)) return true;
  }
  return false;
}

std::map<Path, Value> ObservationManagerImpl::Snapshot(const Observation& o) const {
  std::map<Path, Value> out;
  for (const Path& p : o.paths)
    for (const Record& r : dm_.Read(p).records) out[r.path] = r.value;
  return out;
}

void ObservationManagerImpl::RecordChange(const Path& path, const Value& before, const Value& after) {
  for (auto& [key, o] : obs_) {
    bool relevant = false;
    for (const Path& p : o.paths)
      if (p.IsPrefixOf(path) || path.IsPrefixOf(p)) relevant = true;
    if (!relevant) continue;
    for (const Path& p : o.paths)
      if (!dm_.Exists(p)) o.gone = true;
    o.dirty = true;
    NotificationAttributes t = Timing(key, o);
    if (t.epmin) continue;  // sampled at the next evaluation instead
    if (path.size() < 3 ? true : Qualifies(key, o, path, before, after)) o.qualified = true;
  }
}

DueNotification ObservationManagerImpl::Build(const ObservationKey& key, Observation& o, Clock::time_point now) {
  DueNotification n;
  n.key = key;
  NotificationAttributes t = Timing(key, o);
  n.confirmable = t.con.value_or(false);
  CoapMessage& m = n.payload_message;
  m.type = n.confirmable ? CoapType::kConfirmable : CoapType::kNonConfirmable;
  std::vector<Record> records;
  for (const Path& p : o.paths)
    for (Record& r : dm_.Read(p).records) records.push_back(std::move(r));
  Result<Encoded> enc = EncodeRecords(records, o.composite ? Path() : o.paths[0], o.format,
                                      dm_.options().enabler_version, dm_.models(), o.composite);
  if (enc) {
    m.code = CoapCode::kContent;
    m.SetContentFormat(enc->format);
    m.payload = std::move(enc->payload);
  } else {
    m.code = CoapCode::kInternalServerError;
    m.payload.assign(enc.status().message().begin(), enc.status().message().end());
  }
  o.last_notify = now;
  o.qualified = false;
  o.notified = Snapshot(o);
  return n;
}

std::vector<DueNotification> ObservationManagerImpl::Poll(Clock::time_point now) {
  std::vector<DueNotification> out;
  for (auto it = obs_.begin(); it != obs_.end();) {
    const ObservationKey& key = it->first;
    Observation& o = it->second;
    if (o.gone) {
      // RFC 7641 §3.2: the resource is gone; a final 4.04 ends the observation.
      DueNotification n;
      n.key = key;
      n.payload_message.code = CoapCode::kNotFound;
      n.confirmable = true;
      out.push_back(std::move(n));
      it = obs_.erase(it);
      continue;
    }
    NotificationAttributes t = Timing(key, o);
    const uint64_t pmin = t.pmin.value_or(0);
    // Core TS 1.2 §7.3.2: a pmax below pmin is ignored.
    const uint64_t pmax = t.pmax.value_or(0);
    const bool use_pmax = pmax > 0 && pmax >= pmin;
    if (o.dirty) {
      if (t.epmin && now < o.last_eval + Secs(*t.epmin)) {
        // not yet: the minimum evaluation period has not passed
      } else {
        if (t.epmin && SampleQualifies(key, o)) o.qualified = true;
        o.dirty = false;
        o.last_eval = now;
      }
    }
    if (t.epmax && *t.epmax > 0 && now >= o.last_eval + Secs(*t.epmax)) {
      if (SampleQualifies(key, o)) o.qualified = true;
      o.last_eval = now;
    }
    bool due = (o.qualified && now >= o.last_notify + Secs(pmin)) || (use_pmax && now >= o.last_notify + Secs(pmax));
    if (due) {
      DueNotification n = Build(key, o, now);
      if (offline_.count(key.ssid)) {
        // /1/x/6 "Notification Storing When Disabled or Offline" false: drop instead of storing.
        size_t cap = t.hqmax ? static_cast<size_t>(*t.hqmax) : kDefaultStored;
        for (uint16_t iid : dm_.Instances(1)) {
          auto s = dm_.GetValue(Path{1, iid, 0});
          auto store = dm_.GetValue(Path{1, iid, 6});
          if (s && s->AsInteger() == key.ssid && store && !store->AsBoolean()) cap = 0;
        }
        o.stored.push_back({seq_++, std::move(n)});
        while (o.stored.size() > cap) o.stored.pop_front();
      } else {
        out.push_back(std::move(n));
      }
    }
    ++it;
  }
  return out;
}

std::optional<Clock::time_point> ObservationManagerImpl::NextDeadline() const {
  std::optional<Clock::time_point> best;
  auto consider = [&](Clock::time_point t) {
    if (!best || t < *best) best = t;
  };
  for (const auto& [key, o] : obs_) {
    if (o.gone) {
      consider(o.last_notify);
      continue;
    }
    NotificationAttributes t = Timing(key, o);
    const uint64_t pmin = t.pmin.value_or(0);
    const uint64_t pmax = t.pmax.value_or(0);
    const bool use_pmax = pmax > 0 && pmax >= pmin;
    if (o.dirty) consider(t.epmin ? o.last_eval + Secs(*t.epmin) : o.last_eval);
    if (o.qualified) consider(o.last_notify + Secs(pmin));
    if (use_pmax) consider(o.last_notify + Secs(pmax));
    if (t.epmax && *t.epmax > 0) consider(o.last_eval + Secs(*t.epmax));
  }
  return best;
}

}  // namespace lwm2m::refclient
