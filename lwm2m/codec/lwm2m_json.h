// lwm2m_json.h: LwM2M JSON, Content-Format 11543 (application/vnd.oma.lwm2m+json),
// the JSON format of LwM2M 1.0 (Core TS 1.0 §6.4.4; Core TS 1.2.2 §7.5.6.1):
//   {"bn":"/3/0/","bt":25462634,"e":[{"n":"0","sv":"ACME"},{"n":"9","v":85},
//    {"n":"11/0","v":0},{"n":"x","bv":true},{"n":"y","ov":"3:0","t":-5}]}
// Only LwM2M 1.0 Clients may send it: a 1.1+ Client MUST NOT (Core TS 1.2.2
// §7.5, [FL] FMT-02), so decoding with ctx.lwm2m_version >= 1.1 adds a warning.
//
// Decoding: names resolve as bn + n (a missing leading '/' is added with a
// warning); times as bt + t; values are typed by ctx.models (v: Integer,
// Unsigned Integer, Float, Time; bv: Boolean; ov: Objlnk; sv: String, Corelnk,
// Opaque in base64) and otherwise by key (v integer -> Integer, v fraction ->
// Float). Duplicate JSON keys, a missing "e", entries with no or two value
// keys, wrong value kinds, unparsable names and the same path given twice at
// the same time are diagnostics; every decodable entry is still returned.
//
// Canonical encoding (deterministic, records in the order given):
//  * with request path P not root and every record strictly below P: "bn" =
//    P + "/" and each "n" the rest ("bn":"/3/0/","n":"6/0"); when every record
//    is P itself: "bn" = P and no "n"; otherwise no "bn" and "n" = full path.
//  * members in the order bn, e and, in entries, n, value, t; the time is an
//    absolute "t" on each timed entry (no "bt"). Floats always carry a '.' or
//    an exponent ("3.0"), so that they read back as Float without a model.
//  * Opaque is "sv" in base64 (RFC 4648 §4, padded); Corelnk is "sv".
//  * a value-less record is allowed only at P itself (an empty Object Instance
//    or Multiple Resource: "e":[]).
#pragma once

#include "lwm2m/codec/codec.h"

namespace lwm2m {
// MakeLwm2mJsonCodec() is declared in codec.h.
}  // namespace lwm2m
