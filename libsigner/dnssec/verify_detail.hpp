// Internal to verify_zone (verify.cpp, verify_denial.cpp): the problem list
// and the denial-of-existence checks (RFC 4034 §4, RFC 4035 §2.3, RFC 5155
// §7.1). Not part of the public interface.
#pragma once

#include <string>
#include <vector>

#include "dnssec/verify.hpp"

namespace zs {

class ProblemList {
 public:
  explicit ProblemList(std::vector<VerifyProblem>& out) : out_(out) {}
  void add(const Name& owner, RrType type, std::string what) {
    out_.push_back(VerifyProblem{owner, type, std::move(what), Severity::error});
  }
  void warn(const Name& owner, RrType type, std::string what) {
    out_.push_back(VerifyProblem{owner, type, std::move(what), Severity::warning});
  }

 private:
  std::vector<VerifyProblem>& out_;
};

// Finds which chain the zone uses, sets report.denial and appends every
// problem of that chain.
void verify_denial(const Zone& zone, VerifyReport& report);

}  // namespace zs
