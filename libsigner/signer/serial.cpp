#include "signer/serial.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

namespace zs {

namespace {

// Offset of the SERIAL field in SOA RDATA: after MNAME and RNAME.
Result<std::size_t> serial_offset(BytesView rdata) {
  std::size_t offset = 0;
  for (int i = 0; i < 2; ++i) {
    auto name = Name::read_wire(rdata, offset);
    if (!name) return fail(Errc::internal, "malformed SOA RDATA");
  }
  if (offset + 20 != rdata.size()) return fail(Errc::internal, "malformed SOA RDATA");
  return offset;
}

std::uint32_t date_serial_base(UnixTime now) {
  std::string day = format_time_compact(now).substr(0, 8);  // YYYYMMDD
  return static_cast<std::uint32_t>(std::stoul(day)) * 100u;
}

}  // namespace

bool serial_gt(std::uint32_t a, std::uint32_t b) noexcept {
  return a != b && static_cast<std::uint32_t>(a - b) < 0x80000000u;
}

std::optional<std::uint32_t> read_published_serial(const std::string& path) {
  // Our writer prints "owner<TAB>ttl<TAB>IN<TAB>SOA<TAB>mname rname serial ...",
  // and the apex comes first, so the first 64 KiB hold it. Only a regular
  // file is read, without blocking, and never more than that: an output
  // path naming a FIFO or /dev/zero must not hang or exhaust the run.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::string head;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    head.resize(64 * 1024);
    ssize_t n = ::read(fd, head.data(), head.size());
    head.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  }
  ::close(fd);
  std::istringstream in(head);
  std::string line;
  while (std::getline(in, line)) {
    auto pos = line.find("\tIN\tSOA\t");
    if (pos == std::string::npos) continue;
    std::istringstream fields(line.substr(pos + 8));
    std::string mname, rname;
    std::uint64_t serial = 0;
    if (fields >> mname >> rname >> serial && serial <= 0xffffffffu) return static_cast<std::uint32_t>(serial);
    return std::nullopt;
  }
  return std::nullopt;
}

Result<std::uint32_t> next_serial(Zone& zone, SerialPolicy mode, UnixTime now, std::optional<std::uint32_t> previous) {
  Rrset& soa = zone.soa();
  const std::span<std::uint8_t> rdata = soa.rdatas.mutable_at(0);
  auto offset = serial_offset(rdata);
  if (!offset) return std::unexpected(offset.error());
  std::uint32_t current = get_u32(rdata.data() + *offset);
  if (mode != SerialPolicy::keep && previous && serial_gt(*previous, current)) current = *previous;
  std::uint32_t next = current;
  switch (mode) {
    case SerialPolicy::keep: break;
    case SerialPolicy::increment: next = current + 1; break;
    case SerialPolicy::unixtime: {
      auto wanted = static_cast<std::uint32_t>(now);
      next = serial_gt(wanted, current) ? wanted : current + 1;
      break;
    }
    case SerialPolicy::date: {
      std::uint32_t base = date_serial_base(now);
      next = serial_gt(base, current) ? base : current + 1;
      break;
    }
  }
  if (next == 0 && mode != SerialPolicy::keep) next = 1;  // 0 confuses some secondaries
  rdata[*offset] = static_cast<std::uint8_t>(next >> 24);
  rdata[*offset + 1] = static_cast<std::uint8_t>(next >> 16);
  rdata[*offset + 2] = static_cast<std::uint8_t>(next >> 8);
  rdata[*offset + 3] = static_cast<std::uint8_t>(next);
  return next;
}

}  // namespace zs
