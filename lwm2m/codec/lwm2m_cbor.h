// lwm2m_cbor.h: LwM2M CBOR, Content-Format 11544 (application/vnd.oma.lwm2m+cbor,
// Core TS 1.2.2 §7.5.4): nested CBOR maps whose keys are
// path ids, or arrays of ids that abbreviate several levels, and whose leaves
// are values typed as in Core TS Table C-2 ([FL] CBOR-03..08):
//   payload = map 1*(ID, VALUE);  ID = uint / array 1*uint;  VALUE = value / payload
//   {[3, 0]: {0: "ACME", 6: {0: 1, 1: 5}, 9: 85}}  ==  {3: {0: {0: "ACME", [6, 0]: 1, ...}}}
// The top-level ids start at the Object id whatever the request path. The
// LwM2M Gateway adds a text prefix as a top-level key or as the first element
// of a top-level key array ({["d01", 3, 0]: {...}}, Gateway TS 1.1 §9).
//
// Decoding accepts definite and indefinite maps and key arrays and any mix of
// key styles. Diagnostics: payload not well-formed CBOR (RFC 8949 §3, with the
// offset), top level not a map, a key that is not an unsigned integer, an
// array of them or (Gateway) a text prefix in first position; an empty key
// array; a path deeper than four ids; ids above 65534 (65535 only as the
// instance id of a Create on an Object, meaning "no instance reference",
// Core TS 1.2.1 §7.5.4: decoded as Path::UnassignedInstance); duplicate keys in
// one map; a path given twice across the structure, or both as a value and as
// a container; empty maps (the grammar says 1*); values above Resource level;
// values of the wrong CBOR type for the model (Table C-2; Time also as tag 1
// epoch or tag 0 RFC 3339 text); paths outside the request path. As info:
// non-preferred (longer than needed) heads and indefinite lengths, which the
// grammar allows.
//
// Canonical encoding (deterministic; definite lengths; preferred serialization
// of every head, RFC 8949 §4.2.1; shortest exact float; Time untagged):
//  * the records become a tree: (Gateway prefix,) Object, Object Instance,
//    Resource, Resource Instance; siblings keep the order in which the records
//    first name them (records in the order given);
//  * each map entry's key is the longest chain of nodes that have exactly one
//    child and no value, ending at the first node that has a value, has several
//    children, or is a Resource (a Resource's instances always form a map keyed
//    by Resource Instance id, Core TS 1.2.2 §7.5.4.2); a one-node chain is a
//    plain key (uint, or text for a prefix alone), a longer one a key array.
//    This reproduces the examples of Core TS 1.2.2 §7.5.4.1 to §7.5.4.5 and of
//    Gateway TS 1.1 §10 byte for byte; §7.5.4.6 writes {[2, 102]: 0} inside an
//    instance where this style writes {2: {102: 0}}.
//  * a value-less record is written as null (Table C-2 "none").
#pragma once

#include "lwm2m/codec/codec.h"

namespace lwm2m {
// MakeLwm2mCborCodec() is declared in codec.h.
}  // namespace lwm2m
