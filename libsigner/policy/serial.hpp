// How the SOA serial of the signed zone is chosen (policy field `serial`,
// also the CLI's --serial option). RFC 1982 serial arithmetic applies to the
// result; this header only names the policies.
#pragma once

#include <optional>
#include <string_view>

namespace zs {

enum class SerialPolicy {
  keep,       // copy the unsigned zone's serial unchanged
  increment,  // previous signed serial + 1
  unixtime,   // seconds since the epoch at signing time (or previous + 1 if that is not greater)
  date,       // YYYYMMDDnn (or previous + 1 if that is not greater)
};

// The policy spelling: "keep", "increment", "unixtime", "date".
std::string_view serial_policy_name(SerialPolicy policy) noexcept;
// Exact, lower-case spelling as above; nullopt for anything else.
std::optional<SerialPolicy> serial_policy_from_string(std::string_view text) noexcept;

}  // namespace zs
