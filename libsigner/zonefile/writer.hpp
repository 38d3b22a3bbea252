// Writes a Zone as a master file: canonical owner order, one record per line,
// each RRset followed by its RRSIGs, absolute names, explicit TTL and class,
// tab-separated fields. The same zone always gives the same bytes.
//
// Layout: the apex SOA first, then every RRset in type order, each followed
// by its RRSIGs (Node::signatures of that covered type). No $ORIGIN or $TTL.
// Types that BIND, Knot, NSD and ldns do not all know by name (MB, X25,
// GPOS, A6, AVC, ...) are written as RFC 3597 "TYPEnnn \# len hex", so every
// one of them reads the output. Empty non-terminals print nothing.
#pragma once

#include <string>

#include "zone/zone.hpp"

namespace zs {

// Appends the zone file text to `out`.
void write_zone_text(const Zone& zone, std::string& out);

}  // namespace zs
