// matcher.h: the facts the engine observes on a CoAP message (query.ep, code, location,
// option.Observe, links, value./3/0/0, ...) and the evaluation of a case's checks against them,
// with "expected ... / actual ..." texts for the report (STYLE.md #4).
//   Observed o = ObserveRequest(msg);            // o.facts["query.lwm2m"] == "1.2"
//   CheckOutcome r = Evaluate(check, o, vars);   // r.ok, r.expected, r.actual
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/engine/case.h"
#include "lwm2m/coap_message.h"
#include "lwm2m/content.h"
#include "lwm2m/operation.h"

namespace lwm2m::engine {

struct Observed {
  std::map<std::string, std::string> facts;
  std::vector<std::string> links;  // "</3/0>" and the full link text, for includes/excludes
  std::vector<std::string> decode_errors;
};

// Facts of a request: op, method, path, type, query, query.<name>, content-format, accept, payload,
// option.<Name>, token-length, links (Register/Update payloads).
Observed ObserveRequest(const CoapMessage& m, const std::optional<Classification>& c = {});
// Facts of a response: code, type, content-format, location, payload, option.<Name>, observe,
// decodes, value.<path> (decoded through lwm2m/ codecs with the request path).
Observed ObserveResponse(const CoapMessage& m, const Path& request_path);
// Adds value./decodes facts from decoded content (e.g. a server-side decoded notification).
void AddContentFacts(Observed& o, const Content& content, bool decodes);

struct CheckOutcome {
  bool ok = true;
  std::string expected, actual;  // "query.lwm2m = \"1.2\"", "query.lwm2m = \"1.1\""
};
CheckOutcome Evaluate(const Check& c, const Observed& o, const std::map<std::string, std::string>& vars);

}  // namespace lwm2m::engine
