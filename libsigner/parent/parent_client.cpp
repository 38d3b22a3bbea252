#include "parent/parent_client.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <unbound.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <memory>

namespace zs {

namespace {

constexpr int rr_class_in = 1;
constexpr int rr_type_a = 1;
constexpr int rr_type_ns = 2;
constexpr int rr_type_aaaa = 28;
constexpr int rr_type_ds = 43;

struct CtxDeleter {
  void operator()(ub_ctx* ctx) const noexcept { ub_ctx_delete(ctx); }
};
using Context = std::unique_ptr<ub_ctx, CtxDeleter>;
struct ResultDeleter {
  void operator()(ub_result* r) const noexcept { ub_resolve_free(r); }
};
using UbResult = std::unique_ptr<ub_result, ResultDeleter>;

using Clock = std::chrono::steady_clock;

Result<void> ub_check(int rc, const std::string& what) {
  if (rc == 0) return {};
  return fail(Errc::io, what + ": " + ub_strerror(rc));
}

// A context that runs its queries on a thread of its own (not a forked
// process), so that our poll() loop can give up on it at a deadline.
// "iterator" alone: we want the servers' own answers, not a validation
// verdict (a DS RRset is signed by the parent, whose keys we do not have).
// libunbound answers some names itself (RFC 6761 names such as "test.",
// private reverse zones): `transparent` lists the names whose answers must
// come from the servers instead.
Result<Context> make_context(const std::vector<Name>& transparent) {
  Context ctx(ub_ctx_create());
  if (!ctx) return fail(Errc::io, "libunbound: cannot create a context");
  if (auto r = ub_check(ub_ctx_async(ctx.get(), 1), "libunbound: async"); !r) return std::unexpected(r.error());
  const std::pair<const char*, const char*> options[] = {
      {"module-config:", "iterator"},
      // Parent servers in tests (and some hidden primaries) listen on loopback.
      {"do-not-query-localhost:", "no"},
      // One question to the server, the DS itself, nothing to minimise.
      {"qname-minimisation:", "no"},
  };
  for (const auto& [name, value] : options)
    if (auto r = ub_check(ub_ctx_set_option(ctx.get(), name, value), std::string("libunbound: ") + name); !r)
      return std::unexpected(r.error());
  for (const Name& n : transparent) {
    if (n.is_root()) continue;
    const std::string value = n.to_string() + " transparent";
    if (auto r = ub_check(ub_ctx_set_option(ctx.get(), "local-zone:", value.c_str()), "libunbound: local-zone"); !r)
      return std::unexpected(r.error());
  }
  return ctx;
}

std::string address_spec(const ParentServer& s) { return s.address + "@" + std::to_string(s.port); }

// One asynchronous query in flight on a context.
struct Pending {
  ub_ctx* ctx = nullptr;
  int id = 0;
  bool done = false;
  int err = 0;
  UbResult result;
};

void on_answer(void* data, int err, ub_result* result) {
  auto* p = static_cast<Pending*>(data);
  p->done = true;
  p->err = err;
  p->result.reset(result);
}

// Waits until every query is done or `deadline` passes; queries still open
// then are cancelled and left with done == false.
void wait_all(std::vector<std::unique_ptr<Pending>>& pending, Clock::time_point deadline) {
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<ub_ctx*> owners;
    for (const auto& p : pending) {
      if (p->done || !p->ctx || std::ranges::find(owners, p->ctx) != owners.end()) continue;
      owners.push_back(p->ctx);
      fds.push_back(pollfd{ub_fd(p->ctx), POLLIN, 0});
    }
    if (fds.empty()) return;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left, 1000)));
    if (n < 0 && errno != EINTR) break;
    for (std::size_t i = 0; i < fds.size(); ++i)
      if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) ub_process(owners[i]);
  }
  for (auto& p : pending)
    if (!p->done && p->ctx) ub_cancel(p->ctx, p->id);
}

std::string rcode_name(int rcode) {
  static constexpr const char* names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
  if (rcode >= 0 && rcode < 6) return names[rcode];
  return "RCODE" + std::to_string(rcode);
}

// The RDATA of an answer, or why there is none.
Result<std::vector<Bytes>> answer_rdata(const Pending& p, Duration timeout) {
  if (!p.done) return fail(Errc::io, "no answer within " + std::to_string(timeout) + "s");
  if (p.err != 0) return fail(Errc::io, std::string("libunbound: ") + ub_strerror(p.err));
  const ub_result* r = p.result.get();
  if (!r) return fail(Errc::io, "libunbound gave no result");
  // SERVFAIL is also what libunbound reports when the server never answered
  // or refused (a server that is not authoritative for the parent zone).
  if (r->rcode != 0 && !r->nxdomain) return fail(Errc::io, "answered " + rcode_name(r->rcode));
  std::vector<Bytes> out;
  if (r->havedata)
    for (int i = 0; r->data[i]; ++i) {
      const auto* d = reinterpret_cast<const std::uint8_t*>(r->data[i]);
      out.emplace_back(d, d + r->len[i]);
    }
  return out;
}

std::string format_address(int family, const Bytes& rdata) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (!inet_ntop(family, rdata.data(), buf, sizeof buf)) return {};
  return buf;
}

}  // namespace

Result<ParentServer> parse_server_address(std::string_view text) {
  ParentServer server;
  // "address@port" as dig and BIND write it, so an IPv6 address needs no brackets.
  auto at = text.rfind('@');
  server.address = std::string(text.substr(0, at));
  if (at != std::string_view::npos) {
    std::string_view port = text.substr(at + 1);
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535)
      return fail(Errc::usage, "bad port in '" + std::string(text) + "' (ADDRESS@PORT)");
    server.port = static_cast<std::uint16_t>(value);
  }
  unsigned char buf[16];
  if (inet_pton(AF_INET, server.address.c_str(), buf) != 1 && inet_pton(AF_INET6, server.address.c_str(), buf) != 1)
    return fail(Errc::usage, "'" + server.address + "' is not an IPv4 or IPv6 address");
  return server;
}

std::string server_label(const ParentServer& server) {
  return server.port == 53 ? server.address : server.address + "@" + std::to_string(server.port);
}

ParentQuery parent_query_for(const Policy& policy) {
  ParentQuery q;
  q.servers = policy.parent.servers;
  q.discover = policy.parent.discover;
  return q;
}

std::vector<ServerDs> query_parent_ds(const Name& zone, std::span<const ParentServer> servers, Duration timeout) {
  std::vector<ServerDs> out;
  // Declared before the contexts so that they outlive them: deleting a
  // context stops its thread, after which no callback can touch a Pending.
  std::vector<std::unique_ptr<Pending>> pending;
  std::vector<Context> contexts;
  const std::string qname = zone.to_string();
  // The server is a stub for the zone right above ours: the iterator sends
  // a DS query to the delegation point of the parent side (RFC 4035
  // §3.1.4.1), so the server is asked directly, with RD clear, as a resolver
  // asks an authoritative server. Against nsd both a stub and a forwarder
  // (ub_ctx_set_fwd) get the answer, since nsd ignores RD; but a forwarder
  // sets RD, and a parent server that also recurses could then answer from
  // its cache, which says nothing about what the parent publishes. When the
  // parent zone is higher up than zone.parent(), the server answers from the
  // zone it holds all the same.
  const Name stub_zone = zone.is_root() ? zone : zone.parent();
  const std::string stub = stub_zone.to_string();
  for (const ParentServer& s : servers) {
    out.push_back(ServerDs{server_label(s), std::vector<Ds>{}});
    auto p = std::make_unique<Pending>();
    auto ctx = make_context({stub_zone, zone});
    Result<void> ready = ctx ? ub_check(ub_ctx_set_stub(ctx->get(), stub.c_str(), address_spec(s).c_str(), 0),
                                        "libunbound: server " + server_label(s))
                             : Result<void>(std::unexpected(ctx.error()));
    if (ready) {
      p->ctx = ctx->get();
      ready = ub_check(ub_resolve_async(p->ctx, qname.c_str(), rr_type_ds, rr_class_in, p.get(), on_answer, &p->id),
                       "libunbound: query");
    }
    if (!ready) {
      out.back().answer = std::unexpected(ready.error());
      p->ctx = nullptr;
    }
    if (ctx) contexts.push_back(std::move(*ctx));
    pending.push_back(std::move(p));
  }
  wait_all(pending, Clock::now() + std::chrono::seconds(timeout));
  for (std::size_t i = 0; i < servers.size(); ++i) {
    if (!out[i].answer) continue;
    auto rdata = answer_rdata(*pending[i], timeout);
    if (!rdata) {
      out[i].answer = std::unexpected(rdata.error());
      continue;
    }
    std::vector<Ds> set;
    for (const Bytes& rd : *rdata) {
      auto ds = Ds::from_rdata(rd);
      if (!ds) {
        out[i].answer = std::unexpected(Error(Errc::bad_rdata, "a DS it serves is malformed: " + ds.error().message));
        break;
      }
      set.push_back(std::move(*ds));
    }
    if (out[i].answer) out[i].answer = std::move(set);
  }
  return out;
}

Result<std::vector<DiscoveredServer>> discover_parent_servers(const Name& zone,
                                                              const std::optional<ParentServer>& resolver,
                                                              Duration timeout) {
  std::vector<Name> ancestors;
  for (Name n = zone; !n.is_root(); n = n.parent()) ancestors.push_back(n);
  auto ctx = make_context(ancestors);
  if (!ctx) return std::unexpected(ctx.error());
  if (resolver) {
    if (auto r = ub_check(ub_ctx_set_fwd(ctx->get(), address_spec(*resolver).c_str()),
                          "libunbound: resolver " + server_label(*resolver));
        !r)
      return std::unexpected(r.error());
  } else if (auto r = ub_check(ub_ctx_resolvconf(ctx->get(), nullptr), "libunbound: /etc/resolv.conf"); !r) {
    return std::unexpected(r.error());
  }
  const std::string via = resolver ? "resolver " + server_label(*resolver) : "the resolver of /etc/resolv.conf";
  // One deadline for the whole search, so a dead resolver costs one timeout.
  const auto deadline = Clock::now() + std::chrono::seconds(timeout);
  auto ask = [&](const Name& name, int type) -> Result<std::vector<Bytes>> {
    std::vector<std::unique_ptr<Pending>> pending;
    pending.push_back(std::make_unique<Pending>());
    Pending& p = *pending.back();
    p.ctx = ctx->get();
    if (auto r = ub_check(ub_resolve_async(p.ctx, name.to_string().c_str(), type, rr_class_in, &p, on_answer, &p.id),
                          "libunbound: query");
        !r)
      return std::unexpected(r.error());
    wait_all(pending, deadline);
    auto rd = answer_rdata(p, timeout);
    if (!rd) return fail(Errc::io, via + ": " + name.to_string() + " " + (type == rr_type_ns ? "NS" : "address") +
                                       ": " + rd.error().message);
    return rd;
  };

  // The parent zone is the nearest ancestor that has an NS RRset of its own.
  Name parent = zone;
  std::vector<Bytes> ns_rdata;
  do {
    parent = parent.parent();
    auto rd = ask(parent, rr_type_ns);
    if (!rd) return std::unexpected(rd.error());
    ns_rdata = std::move(*rd);
  } while (ns_rdata.empty() && !parent.is_root());
  if (ns_rdata.empty()) return fail(Errc::io, via + ": no NS RRset found above " + zone.to_string());

  std::vector<DiscoveredServer> out;
  for (const Bytes& rd : ns_rdata) {
    std::size_t offset = 0;
    auto ns = Name::read_wire(rd, offset);
    if (!ns) continue;
    for (int type : {rr_type_a, rr_type_aaaa}) {
      auto addrs = ask(*ns, type);
      if (!addrs) continue;  // one server without an address does not hide the others
      for (const Bytes& a : *addrs) {
        std::string text = format_address(type == rr_type_a ? AF_INET : AF_INET6, a);
        if (!text.empty()) out.push_back(DiscoveredServer{*ns, ParentServer{text, 53}});
      }
    }
  }
  if (out.empty())
    return fail(Errc::io, via + ": no address found for the name servers of " + parent.to_string());
  return out;
}

Result<std::vector<ServerDs>> ask_parent(const Name& zone, const ParentQuery& query) {
  if (!query.servers.empty()) return query_parent_ds(zone, query.servers, query.timeout);
  auto found = discover_parent_servers(zone, query.resolver, query.timeout);
  if (!found) return std::unexpected(found.error());
  std::vector<ParentServer> servers;
  for (const auto& d : *found) servers.push_back(d.address);
  auto answers = query_parent_ds(zone, servers, query.timeout);
  for (std::size_t i = 0; i < answers.size(); ++i)
    answers[i].server = (*found)[i].ns.to_string() + " (" + answers[i].server + ")";
  return answers;
}

std::optional<ParentObservations> observe_parent_for_run(const Name& origin, const std::string& key_dir,
                                                         UnixTime now, bool allow_clock_back,
                                                         const ParentQuery& query) {
  if (!query.enabled() || !key_folder_awaits_parent_ds(key_dir, origin, now, allow_clock_back)) return std::nullopt;
  return ask_parent(origin, query);
}

}  // namespace zs
