// SOA serial updates (RFC 1982 serial arithmetic): keep, increment, unixtime
// and date (YYYYMMDDnn), each never going backwards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/time.hpp"
#include "policy/serial.hpp"
#include "zone/zone.hpp"

namespace zs {


// Sets the apex SOA serial per `mode` and returns it. `previous` is the serial
// of the zone published last (the previous output), if known: every mode but
// keep moves past it too, so secondaries see each re-signed zone as new.
Result<std::uint32_t> next_serial(Zone& zone, SerialPolicy mode, UnixTime now,
                                  std::optional<std::uint32_t> previous = std::nullopt);

// The SOA serial of a zone file that zonesign wrote (one record per line), or
// nullopt when the file does not exist or holds no SOA line.
std::optional<std::uint32_t> read_published_serial(const std::string& path);

// RFC 1982: is `a` greater than `b` in serial arithmetic?
bool serial_gt(std::uint32_t a, std::uint32_t b) noexcept;

}  // namespace zs
