// The `verify` use case: read a signed zone file and check it completely
// (dnssec/verify.hpp) at a given moment.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "dnssec/verify.hpp"
#include "zonefile/zonefile.hpp"

namespace zs {

// A verified file: the report, and what the report alone does not say.
struct ZoneFileVerification {
  VerifyReport report;
  std::size_t records = 0;  // records of the zone as built (duplicates merged, $INCLUDE/$GENERATE expanded)
};

// Errors only when the file cannot be read or parsed; DNSSEC problems are in
// the report, after the zone reader's warnings (data occluded by a DNAME, at
// its file:line:column), which are warnings of the report too.
// `input`: what the zone file may reach ($INCLUDE, size; zonefile.hpp).
Result<ZoneFileVerification> verify_zone_file_counted(const std::string& path, const Name& origin, UnixTime now,
                                                      unsigned threads, const ZoneInputOptions& input = {});
// verify_zone_file_counted(...).report.
Result<VerifyReport> verify_zone_file(const std::string& path, const Name& origin, UnixTime now, unsigned threads,
                                      const ZoneInputOptions& input = {});

// Where each of `problems` is in the file: the position of the first record
// with the problem's owner and type (the RRset it names), one entry per
// problem, nullopt when the file holds no such record (a missing NSEC, say)
// or cannot be read again (standard input, or a file changed since). It
// reads the file a second time, because the zone in memory keeps no record
// positions (a million-name zone would pay for them on every run): call it
// only for a report that has problems.
std::vector<std::optional<Location>> locate_problems(const std::string& path, const Name& origin,
                                                     const ZoneInputOptions& input,
                                                     const std::vector<VerifyProblem>& problems);

}  // namespace zs
