#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

TEST_CASE("a staged file reaches its target only on commit and vanishes when dropped") {
  auto dir = std::filesystem::temp_directory_path() / "zs_staged_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "zone.signed").string();
  REQUIRE(write_file_atomic(path, "old", 0644));
  {
    auto staged = StagedFile::write(path, "new", 0644);
    REQUIRE(staged);
    CHECK(read_file(path).value() == "old");
  }
  CHECK(read_file(path).value() == "old");
  auto staged = StagedFile::write(path, "new", 0644);
  REQUIRE(staged);
  REQUIRE(staged->commit());
  CHECK(read_file(path).value() == "new");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  CHECK(entries == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a staged file takes ranges of another file in order with what is appended around them") {
  auto dir = std::filesystem::temp_directory_path() / "zs_staged_copy_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string source_path = (dir / "source").string();
  std::string source;
  for (int i = 0; i < 300000; ++i) source += static_cast<char>('a' + i % 26);
  REQUIRE(write_file_atomic(source_path, source, 0644));
  const int fd = ::open(source_path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  const std::string path = (dir / "index").string();

  auto staged = StagedFile::create(path, 0644);
  REQUIRE(staged);
  REQUIRE(staged->append("head:"));
  REQUIRE(staged->append_copy(fd, 7, 250000));
  REQUIRE(staged->append(":mid:"));
  REQUIRE(staged->append_copy(fd, 0, 0));
  REQUIRE(staged->append_copy(fd, 299990, 10));
  REQUIRE(staged->append(":tail"));
  REQUIRE(staged->finish());
  REQUIRE(staged->commit());
  CHECK(read_file(path).value() == "head:" + source.substr(7, 250000) + ":mid:" + source.substr(299990) + ":tail");

  // A range past the source's end: the file can no longer be committed,
  // and the target stays as it was.
  auto short_read = StagedFile::create(path, 0644);
  REQUIRE(short_read);
  REQUIRE(short_read->append("x"));
  auto copied = short_read->append_copy(fd, 299990, 11);
  REQUIRE_FALSE(copied);
  CHECK(copied.error().code == Errc::io);
  CHECK_FALSE(short_read->finish());
  CHECK_FALSE(short_read->commit());
  CHECK(read_file(path).value().starts_with("head:"));
  ::close(fd);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a staged write to a directory or a missing folder fails and leaves nothing") {
  auto dir = std::filesystem::temp_directory_path() / "zs_staged_fail";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "sub");
  auto into_dir = StagedFile::write((dir / "sub").string(), "x");
  REQUIRE_FALSE(into_dir);
  CHECK(into_dir.error().code == Errc::io);
  CHECK_FALSE(StagedFile::write((dir / "missing" / "z").string(), "x"));
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  CHECK(entries == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("stale temporary files of a killed writer are removed, a live writer's are kept") {
  auto dir = std::filesystem::temp_directory_path() / "zs_stale_tmp";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "zone.signed").string();
  // What a killed run leaves: a temporary file nobody holds a lock on.
  REQUIRE(write_file_atomic((dir / "other").string(), "x"));
  std::filesystem::rename(dir / "other", dir / ".zone.signed.tmp-AbC123");
  auto live = StagedFile::write(path, "in progress");  // holds its lock
  REQUIRE(live);
  CHECK(remove_stale_temp_files(path) == 1);
  CHECK_FALSE(std::filesystem::exists(dir / ".zone.signed.tmp-AbC123"));
  REQUIRE(live->commit());
  CHECK(read_file(path).value() == "in progress");
  std::filesystem::rename(dir / "zone.signed", dir / ".state.yaml.tmp-XyZ789");
  CHECK(remove_stale_temp_files_in(dir.string()) == 1);
  std::filesystem::remove_all(dir);
}
