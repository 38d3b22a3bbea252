// The metrics file (signer/metrics.hpp): the Prometheus text exposition
// format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/),
// the metrics zonesign derives from a status report, and the atomic write.
// Expected texts are written out from the format's rules, not taken from a run.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "signer/metrics.hpp"

using namespace zs;

namespace {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name) {
    path = std::filesystem::temp_directory_path() / ("zs-metrics-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

constexpr UnixTime t0 = 1767225600;  // 2026-01-01T00:00:00Z

}  // namespace

TEST_CASE("a family renders as HELP, TYPE and its samples with labels in the order given") {
  std::vector<MetricFamily> families = {
      {"zs_a", "first", MetricType::gauge,
       {{{{"zone", "b."}, {"event", "x"}}, std::int64_t{-5}}, {{{"zone", "a."}}, std::int64_t{7}}}},
      {"zs_empty", "no samples: left out", MetricType::gauge, {}},
      {"zs_b_total", "second\\line\nbreak", MetricType::counter, {{{}, 0.25}}},
  };
  CHECK(render_exposition(families) ==
        "# HELP zs_a first\n"
        "# TYPE zs_a gauge\n"
        "zs_a{zone=\"b.\",event=\"x\"} -5\n"
        "zs_a{zone=\"a.\"} 7\n"
        "# HELP zs_b_total second\\\\line\\nbreak\n"
        "# TYPE zs_b_total counter\n"
        "zs_b_total 0.25\n");
}

TEST_CASE("label values escape backslash, double quote and newline, and nothing else") {
  CHECK(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  CHECK(escape_label_value("ex\tample.com.") == "ex\tample.com.");
  std::vector<MetricFamily> families = {
      {"zs_x", "h", MetricType::gauge, {{{{"zone", "we\"ird\\\n."}}, std::int64_t{1}}}}};
  CHECK(render_exposition(families) == "# HELP zs_x h\n# TYPE zs_x gauge\nzs_x{zone=\"we\\\"ird\\\\\\n.\"} 1\n");
}

TEST_CASE("doubles print exactly, and NaN and infinities as the format spells them") {
  std::vector<MetricFamily> families = {{"zs_d", "h", MetricType::gauge,
                                         {{{{"k", "a"}}, 1.5e-7},
                                          {{{"k", "b"}}, std::numeric_limits<double>::quiet_NaN()},
                                          {{{"k", "c"}}, std::numeric_limits<double>::infinity()},
                                          {{{"k", "d"}}, -std::numeric_limits<double>::infinity()}}}};
  const std::string text = render_exposition(families);
  CHECK(text.find("zs_d{k=\"a\"} 1.5e-07\n") != std::string::npos);
  CHECK(text.find("zs_d{k=\"b\"} NaN\n") != std::string::npos);
  CHECK(text.find("zs_d{k=\"c\"} +Inf\n") != std::string::npos);
  CHECK(text.find("zs_d{k=\"d\"} -Inf\n") != std::string::npos);
}

TEST_CASE("a metric or label name outside the grammar is a broken invariant") {
  CHECK_THROWS_AS(render_exposition({{"1bad", "h", MetricType::gauge, {{{}, std::int64_t{1}}}}}), std::logic_error);
  CHECK_THROWS_AS(render_exposition({{"zs_ok", "h", MetricType::gauge, {{{{"bad-label", "v"}}, std::int64_t{1}}}}}),
                  std::logic_error);
  CHECK_THROWS_AS(render_exposition({{"zs_ok", "h", MetricType::gauge, {{{{"__reserved", "v"}}, std::int64_t{1}}}}}),
                  std::logic_error);
}

TEST_CASE("zone metrics come in one fixed order of families, zones sorted by name within each") {
  ZoneMetrics b;
  b.zone = "b.example.";
  b.earliest_expiration = t0 + 100;
  b.last_success = t0;
  b.tasks = std::vector<TaskWaiting>{};
  ZoneMetrics a = b;
  a.zone = "a.example.";
  a.earliest_expiration = t0 + 50;
  a.tasks = std::vector<TaskWaiting>{{"submit-ds", "12345", t0 - 10}, {"resign", "", t0 - 20}};
  a.run = RunMetrics{true, 0, t0, 1.5, 10, 2};
  const std::string text = render_exposition(zone_metric_families({b, a}));
  // The same zones in another order give the same bytes.
  CHECK(render_exposition(zone_metric_families({a, b})) == text);
  const auto last_success = text.find("zonesign_last_success_timestamp_seconds{zone=\"a.example.\"}");
  const auto expiration_a =
      text.find("zonesign_signatures_earliest_expiration_timestamp_seconds{zone=\"a.example.\"} 1767225650\n");
  const auto expiration_b =
      text.find("zonesign_signatures_earliest_expiration_timestamp_seconds{zone=\"b.example.\"} 1767225700\n");
  const auto run = text.find("zonesign_run_success{zone=\"a.example.\"} 1\n");
  REQUIRE(last_success != std::string::npos);
  REQUIRE(expiration_a != std::string::npos);
  REQUIRE(expiration_b != std::string::npos);
  REQUIRE(run != std::string::npos);
  CHECK(last_success < expiration_a);
  CHECK(expiration_a < expiration_b);
  CHECK(expiration_b < run);
  CHECK(text.find("zonesign_operator_tasks_waiting{zone=\"a.example.\"} 2\n") != std::string::npos);
  CHECK(text.find("zonesign_operator_tasks_waiting{zone=\"b.example.\"} 0\n") != std::string::npos);
  CHECK(text.find("zonesign_operator_task_waiting_since_timestamp_seconds{zone=\"a.example.\",task=\"resign\","
                  "key=\"\"} 1767225580\n") != std::string::npos);
  CHECK(text.find("zonesign_operator_task_waiting_since_timestamp_seconds{zone=\"a.example.\",task=\"submit-ds\","
                  "key=\"12345\"} 1767225590\n") != std::string::npos);
  CHECK(text.find("zonesign_signatures_made{zone=\"a.example.\"} 10\n") != std::string::npos);
  CHECK(text.find("zonesign_signatures_reused{zone=\"a.example.\"} 2\n") != std::string::npos);
  CHECK(text.find("zonesign_run_duration_seconds{zone=\"a.example.\"} 1.5\n") != std::string::npos);
  // Zone b ran no sign: no run metrics for it, and facts not known give no sample.
  CHECK(text.find("zonesign_run_success{zone=\"b.example.\"}") == std::string::npos);
  CHECK(text.find("zonesign_resign_due_timestamp_seconds") == std::string::npos);
  // One HELP and one TYPE per family that has samples.
  CHECK(count_of(text, "# HELP zonesign_signatures_earliest_expiration_timestamp_seconds ") == 1);
  CHECK(count_of(text, "# TYPE zonesign_signatures_earliest_expiration_timestamp_seconds gauge\n") == 1);
}

TEST_CASE("zones rendered one by one and merged give the bytes of one rendering of all of them") {
  // `sign --config F --metrics-file M`: each zone's run writes its own file.
  ZoneMetrics a;
  a.zone = "a.example.";
  a.earliest_expiration = t0 + 50;
  a.tasks = std::vector<TaskWaiting>{{"submit-ds", "12345", t0 - 10}};
  a.run = RunMetrics{true, 10, t0, 1.5, 10, 2};
  ZoneMetrics b;  // a zone whose run failed early: run facts only
  b.zone = "b.example.";
  b.run = RunMetrics{false, 1, t0, 0.25, std::nullopt, std::nullopt};
  ZoneMetrics c;  // a zone with facts a and b lack, and no run
  c.zone = "c.example.";
  c.last_success = t0 - 3600;
  c.failing = true;
  c.next_key_event = NextKeyEvent{t0 + 7200, "ds-request", "ksk#1"};
  auto one = [](const ZoneMetrics& m) { return render_exposition(zone_metric_families({m})); };
  const std::string merged = merge_expositions({one(a), one(b), one(c)});
  CHECK(merged == render_exposition(zone_metric_families({a, b, c})));
  CHECK(count_of(merged, "# TYPE zonesign_run_exit_code gauge\n") == 1);
  CHECK(merged.find("zonesign_run_exit_code{zone=\"b.example.\"} 1\n") != std::string::npos);
  // Nothing to merge: an empty file.
  CHECK(merge_expositions({}).empty());
  // A family this build does not know comes after the known ones, once.
  const std::string future = "# HELP zonesign_future x\n# TYPE zonesign_future gauge\nzonesign_future{zone=\"a.\"} 1\n";
  const std::string with_future = merge_expositions({future + one(a), future});
  CHECK(count_of(with_future, "# HELP zonesign_future x\n") == 1);
  CHECK(with_future.ends_with("zonesign_future{zone=\"a.\"} 1\nzonesign_future{zone=\"a.\"} 1\n"));
}

TEST_CASE("two tasks with the same labels make one series, the longest waiting") {
  ZoneMetrics m;
  m.zone = "example.com.";
  m.tasks = std::vector<TaskWaiting>{{"submit-ds", "", t0}, {"submit-ds", "", t0 - 60}};
  const std::string text = render_exposition(zone_metric_families({m}));
  CHECK(count_of(text, "zonesign_operator_task_waiting_since_timestamp_seconds{") == 1);
  CHECK(text.find("task=\"submit-ds\",key=\"\"} 1767225540\n") != std::string::npos);
  CHECK(text.find("zonesign_operator_tasks_waiting{zone=\"example.com.\"} 2\n") != std::string::npos);
}

TEST_CASE("the next key event is the earliest moment status shows for a key") {
  StatusReport r;
  r.zone = "example.com.";
  r.now = t0;
  KeyStatusLine ksk;
  ksk.tag = 111;
  ksk.role = "ksk";
  ksk.lifetime_end = t0 + 5000;
  ksk.records = {{"dnskey", "rumoured", t0, t0 + 3900}, {"ds", "hidden", 0, std::nullopt}};
  KeyStatusLine zsk;
  zsk.tag = 222;
  zsk.role = "zsk";
  zsk.lifetime_end = t0 + 10;  // retired: its lifetime no longer makes an event
  zsk.retired = t0 - 100;
  zsk.records = {{"zrrsig", "unretentive", t0 - 100, t0 + 2000}};
  r.keys = {ksk, zsk};
  auto e = next_key_event(r);
  REQUIRE(e);
  CHECK(e->at == t0 + 2000);
  CHECK(e->event == "zrrsig-hidden");
  CHECK(e->key == "zsk 222");

  r.notice = DsRequestNotice{t0 + 1000, "ksk#1", "text"};
  e = next_key_event(r);
  REQUIRE(e);
  CHECK(e->event == "ds-request");
  CHECK(e->key == "ksk#1");

  r.notice.reset();
  r.keys = {ksk};
  r.keys[0].lifetime_end = t0 + 3900;  // a tie: the record's window comes first
  e = next_key_event(r);
  REQUIRE(e);
  CHECK(e->event == "dnskey-omnipresent");
  CHECK(e->key == "ksk 111");

  r.keys.clear();
  CHECK_FALSE(next_key_event(r));
}

TEST_CASE("a status report becomes the zone's metrics") {
  StatusReport r;
  r.zone = "example.com.";
  r.now = t0;
  r.published = PublishedZoneStatus{t0 - 86400, "/srv/out", 2026010101, t0 + 14 * 86400, t0 + 9 * 86400,
                                    t0 + 13 * 86400};
  r.next_due = t0 + 3600;
  r.operator_tasks = {TaskReport{TaskKind::submit_ds, 4242, t0 - 300, "submit", ""}};
  r.failing = {"expired"};
  ZoneMetrics m = zone_metrics(r);
  CHECK(m.zone == "example.com.");
  CHECK(m.last_success == t0 - 86400);
  CHECK(m.serial == 2026010101u);
  CHECK(m.earliest_expiration == t0 + 14 * 86400);
  CHECK(m.resign_due == t0 + 9 * 86400);
  CHECK(m.resign_deadline == t0 + 13 * 86400);
  CHECK(m.next_run_due == t0 + 3600);
  REQUIRE(m.tasks);
  REQUIRE(m.tasks->size() == 1);
  CHECK((*m.tasks)[0].task == "submit-ds");
  CHECK((*m.tasks)[0].key == "4242");
  CHECK((*m.tasks)[0].since == t0 - 300);
  CHECK(m.failing == true);
  CHECK_FALSE(m.run);
}

TEST_CASE("the metrics file is written whole with mode 0644, and a failed write leaves no temporary file") {
  TempDir dir("write");
  ZoneMetrics m;
  m.zone = "example.com.";
  m.earliest_expiration = t0;
  const std::string path = (dir.path / "zonesign.prom").string();
  REQUIRE(write_metrics_file(path, {m}));
  auto text = read_file(path);
  REQUIRE(text);
  CHECK(*text == render_exposition(zone_metric_families({m})));
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
         std::filesystem::perms::group_read | std::filesystem::perms::others_read));

  // A directory where the file should go: the rename fails (also for root,
  // unlike a read-only folder), the directory stays, no temporary file.
  const auto blocked = dir.path / "blocked.prom";
  std::filesystem::create_directory(blocked);
  auto failed = write_metrics_file(blocked.string(), {m});
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == Errc::io);
  CHECK(std::filesystem::is_directory(blocked));
  std::size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path)) {
    ++entries;
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
  }
  CHECK(entries == 2);  // zonesign.prom and blocked.prom
}

TEST_CASE("the metrics file may be neither a file of the run nor inside the key folder") {
  TempDir dir("path");
  const auto keys = dir.path / "keys";
  std::filesystem::create_directories(keys / "example.com");
  const std::string output = (dir.path / "signed.zone").string();
  CHECK(check_metrics_path((dir.path / "zone.prom").string(), {output}, {keys.string()}));
  auto same = check_metrics_path(output, {output}, {keys.string()});
  REQUIRE_FALSE(same);
  CHECK(same.error().code == Errc::usage);
  // The same file through another spelling, and through a hard link.
  auto spelled = check_metrics_path((dir.path / "keys" / ".." / "signed.zone").string(), {output}, {});
  REQUIRE_FALSE(spelled);
  CHECK(spelled.error().code == Errc::usage);
  REQUIRE(write_file_atomic(output, "zone"));
  std::filesystem::create_hard_link(output, dir.path / "link.prom");
  auto linked = check_metrics_path((dir.path / "link.prom").string(), {output}, {});
  REQUIRE_FALSE(linked);
  CHECK(linked.error().code == Errc::usage);
  for (const auto& inside : {keys / "m.prom", keys / "example.com" / "state.yaml", keys / "new" / "m.prom"}) {
    auto refused = check_metrics_path(inside.string(), {}, {keys.string()});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::usage);
  }
  // Through a symbolic link to the key folder.
  std::filesystem::create_directory_symlink(keys, dir.path / "keylink");
  auto via_link = check_metrics_path((dir.path / "keylink" / "m.prom").string(), {}, {keys.string()});
  REQUIRE_FALSE(via_link);
  CHECK(via_link.error().code == Errc::usage);
  auto dash = check_metrics_path("-", {}, {});
  REQUIRE_FALSE(dash);
  CHECK(dash.error().code == Errc::usage);
  // A folder named like the key folder's prefix is not inside it.
  CHECK(check_metrics_path((dir.path / "keys2" / "m.prom").string(), {}, {keys.string()}));
}
