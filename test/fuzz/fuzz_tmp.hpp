// A private temporary folder for the harnesses that must hand their input to
// the library as a file (the key state, the previous signed output): made
// once per process (mode 0700, under $TMPDIR or /tmp) and removed at exit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace zs::fuzz {

// The folder; aborts if it cannot be made (the harness cannot run at all).
const std::string& temp_dir();

// Replaces the file at `path` with exactly `size` bytes of `data`; aborts on
// failure, which is the machine's fault and not a finding about the input.
void write_whole_file(const std::string& path, const std::uint8_t* data, std::size_t size);

}  // namespace zs::fuzz
