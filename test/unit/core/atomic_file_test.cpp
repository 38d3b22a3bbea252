#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>

#include "core/atomic_file.hpp"

using namespace zs;

TEST_CASE("an atomic write replaces the file with the requested mode and leaves no temporary") {
  auto dir = std::filesystem::temp_directory_path() / "zs_atomic_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string path = (dir / "key.pem").string();
  REQUIRE(write_file_atomic(path, "old", 0644));
  REQUIRE(write_file_atomic(path, "new content", 0600));
  CHECK(read_file(path).value() == "new content");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}) == 1);
  CHECK(write_file_atomic((dir / "missing" / "x").string(), "x").error().code == Errc::io);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a second lock on the same file fails while the first is held") {
  auto path = (std::filesystem::temp_directory_path() / "zs_lock_test.lock").string();
  auto first = FileLock::acquire(path);
  REQUIRE(first);
  CHECK_FALSE(FileLock::acquire(path));
  { auto moved = std::move(*first); }
  CHECK(FileLock::acquire(path));
}
