// Writes a Zone as a master file: canonical owner order, one record per line,
// each RRset followed by its RRSIGs, absolute names, explicit TTL and class,
// tab-separated fields. The same zone always gives the same bytes.
#pragma once

#include <string>

#include "zone/zone.hpp"

namespace zs {

// Appends the zone file text to `out`.
void write_zone_text(const Zone& zone, std::string& out);

}  // namespace zs
