// The `verify` use case: read a signed zone file and check it completely
// (dnssec/verify.hpp) at a given moment.
#pragma once

#include <string>

#include "core/error.hpp"
#include "core/time.hpp"
#include "dnssec/verify.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

// Errors only when the file cannot be read or parsed; DNSSEC problems are in
// the report, after the zone reader's warnings (data occluded by a DNAME, at
// its file:line:column), which are warnings of the report too.
// `input`: what the zone file may reach ($INCLUDE, size; zonefile.hpp).
Result<VerifyReport> verify_zone_file(const std::string& path, const Name& origin, UnixTime now, unsigned threads,
                                      const ZoneInputOptions& input = {});

}  // namespace zs
