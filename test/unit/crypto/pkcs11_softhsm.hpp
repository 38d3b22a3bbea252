// A SoftHSM2 token of its own for a test: a private softhsm2.conf and token
// folder under /tmp (SOFTHSM2_CONF points at it while the fixture lives), a
// token initialised with softhsm2-util, and a PIN file of mode 0600.
// scripts/test installs softhsm2 (ZS_PACKAGES), so the tests that use this
// always run; a missing softhsm2-util fails them.
#pragma once

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace zs::test {

inline constexpr const char* softhsm_module = "/usr/lib/softhsm/libsofthsm2.so";

// SoftHSM2 2.6.1 leaks the curve it decodes (an ASN1_STRING from
// ASN1_item_d2i_ex, inside libsofthsm2's C_SignInit) at every EdDSA
// signature; LeakSanitizer reports it, and its stack (libcrypto frames
// without frame pointers) cannot be told apart from a leak of ours by a
// suppression. So the sanitizer build signs EdDSA through SoftHSM nowhere;
// the release build's tests do.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool softhsm_signs_eddsa_without_leak = false;
#else
inline constexpr bool softhsm_signs_eddsa_without_leak = true;
#endif

class SoftHsmToken {
 public:
  explicit SoftHsmToken(std::string label = "zs-test", std::string pin = "1234")
      : label_(std::move(label)), pin_(std::move(pin)) {
    char tmpl[] = "/tmp/zs-softhsm-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp");
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/tokens");
    std::ofstream(dir_ + "/softhsm2.conf") << "directories.tokendir = " << dir_ << "/tokens\n"
                                           << "objectstore.backend = file\nlog.level = ERROR\n";
    ::setenv("SOFTHSM2_CONF", (dir_ + "/softhsm2.conf").c_str(), 1);
    const std::string init = "softhsm2-util --init-token --free --label '" + label_ + "' --pin '" + pin_ +
                             "' --so-pin 87654321 >" + dir_ + "/init.log 2>&1";
    if (std::system(init.c_str()) != 0) throw std::runtime_error("softhsm2-util --init-token failed: " + init);
    pin_file_ = write_pin("pin", pin_);
  }
  SoftHsmToken(const SoftHsmToken&) = delete;
  SoftHsmToken& operator=(const SoftHsmToken&) = delete;
  ~SoftHsmToken() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // A file holding `pin`, of the given mode.
  std::string write_pin(const std::string& name, const std::string& pin, unsigned mode = 0600) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << pin << "\n";
    ::chmod(path.c_str(), mode);
    return path;
  }

  const std::string& dir() const noexcept { return dir_; }
  const std::string& label() const noexcept { return label_; }
  const std::string& pin_file() const noexcept { return pin_file_; }

 private:
  std::string label_;
  std::string pin_;
  std::string dir_;
  std::string pin_file_;
};

}  // namespace zs::test
