#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>

#include "core/atomic_file.hpp"
#include "signer/serial.hpp"

using namespace zs;

TEST_CASE("the published serial is read from a regular file only, and only from its head") {
  auto dir = std::filesystem::temp_directory_path() / "zs_serial_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string zone = (dir / "zone.signed").string();
  REQUIRE(write_file_atomic(zone, "example.com.\t3600\tIN\tSOA\tns.example.com. h.example.com. 2026120601 1 2 3 4\n"));
  CHECK(read_published_serial(zone) == 2026120601u);
  CHECK_FALSE(read_published_serial((dir / "missing").string()));
  // A FIFO would block a plain open and /dev/zero would never end a line.
  const std::string fifo = (dir / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_FALSE(read_published_serial(fifo));
  CHECK_FALSE(read_published_serial("/dev/zero"));
  std::filesystem::remove_all(dir);
}
