// The parent-zone client (parent/parent_client.hpp): server addresses, what a
// policy makes it ask, and when a run asks nothing at all. Answers from a real
// parent server are test/integration/parent/run's part (nsd in a private
// network namespace); here the only traffic is to a closed port on loopback.
#include <doctest/doctest.h>

#include <filesystem>

#include "parent/parent_client.hpp"

using namespace zs;

namespace {

const Name origin = Name::parse("child.test.").value();
constexpr UnixTime t0 = 1767225600;

}  // namespace

TEST_CASE("server addresses take an optional port after @ and must be IP literals") {
  auto v4 = parse_server_address("192.0.2.1@5300");
  REQUIRE(v4);
  CHECK(v4->address == "192.0.2.1");
  CHECK(v4->port == 5300);
  CHECK(server_label(*v4) == "192.0.2.1@5300");
  auto v6 = parse_server_address("2001:db8::53");
  REQUIRE(v6);
  CHECK(v6->port == 53);
  CHECK(server_label(*v6) == "2001:db8::53");
  for (const char* bad : {"ns.example.", "192.0.2.1@", "192.0.2.1@0", "192.0.2.1@70000", "192.0.2.1@53x", ""}) {
    CAPTURE(bad);
    auto r = parse_server_address(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::usage);
  }
}

TEST_CASE("the policy's parent servers and discovery decide whether the parent is asked") {
  Policy p = default_policy();
  CHECK_FALSE(parent_query_for(p).enabled());
  p.parent.discover = true;
  CHECK(parent_query_for(p).enabled());
  p.parent.discover = false;
  p.parent.servers.push_back(ParentServer{"192.0.2.1", 53});
  ParentQuery q = parent_query_for(p);
  CHECK(q.enabled());
  CHECK(q.servers.size() == 1);
}

TEST_CASE("a run whose key folder holds no key state asks the parent nothing") {
  const auto empty = std::filesystem::temp_directory_path() / "zonesign-parent-client-test-no-keys";
  std::filesystem::remove_all(empty);
  ParentQuery q;
  q.servers.push_back(ParentServer{"127.0.0.1", 9});
  // Were the server asked, the result would hold its failure.
  CHECK_FALSE(observe_parent_for_run(origin, empty.string(), t0, false, q).has_value());
  CHECK_FALSE(observe_parent_for_run(origin, empty.string(), t0, false, ParentQuery{}).has_value());
}

TEST_CASE("a server that does not answer gets an error of its own, in the order asked") {
  // Port 9 (discard) on loopback: nothing answers DNS there.
  const std::vector<ParentServer> servers = {ParentServer{"127.0.0.1", 9}, ParentServer{"127.0.0.2", 9}};
  std::vector<ServerDs> answers = query_parent_ds(origin, servers, 1);
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].server == "127.0.0.1@9");
  CHECK(answers[1].server == "127.0.0.2@9");
  for (const ServerDs& a : answers) {
    REQUIRE_FALSE(a.answer);
    CHECK(a.answer.error().code == Errc::io);
  }
}
