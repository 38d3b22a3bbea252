// Fuzzes the policy loader (libsigner/policy): YAML -> validated Policy, and
// for every accepted policy the documented round trip: describe() prints it
// as YAML that load_policy_text() reads back to the same policy (compared as
// the describe() text, which prints every field).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policy/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = zs::load_policy_text(text, "fuzz.yaml");
  if (!loaded) {
    (void)loaded.error().to_string();
    return 0;
  }
  const std::string described = zs::describe(loaded->policy);
  auto again = zs::load_policy_text(described, "described.yaml");
  if (!again) {
    std::fprintf(stderr, "policy round trip: describe() output is refused: %s\n--- described ---\n%s\n",
                 again.error().to_string().c_str(), described.c_str());
    std::abort();
  }
  const std::string described_again = zs::describe(again->policy);
  if (described_again != described) {
    std::fprintf(stderr, "policy round trip: another policy read back\n--- first ---\n%s\n--- second ---\n%s\n",
                 described.c_str(), described_again.c_str());
    std::abort();
  }
  return 0;
}
