// The front end's rendering of the DS the zone wants at the parent
// (signer/ds_report.hpp) as the JSON document of `ds --json`
// (docs/json/ds.schema.json): the fields a registrar's web form asks for.
#pragma once

#include <string>
#include <vector>

#include "dns/name.hpp"
#include "signer/ds_report.hpp"

namespace zs::cli {

// {"zone": ..., "ds": [{key_tag, algorithm, algorithm_name, digest_type,
// digest_type_name, digest, role, dnskey: {flags, protocol, algorithm,
// public_key}, ds_record, status, since}], "withdraw": [same fields]}
// ("status", "since" and "withdraw" only when the report was made for a moment).
std::string ds_report_json(const Name& origin, const std::vector<DsEntry>& entries);
std::string ds_report_json(const Name& origin, const DsReport& report);

}  // namespace zs::cli
