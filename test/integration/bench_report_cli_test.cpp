// `oneai bench merge` and `oneai bench compare` on report files written here:
// the merge of two generators' reports equals the report of the whole run.

#include "../support/cli_process.hpp"

#include <oneai/load/load_report.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace std::chrono_literals;
using oneai::load::load_report;
using oneai::load::task_outcome;
using oneai::load::task_sample;
using oneai::test::cli_io;
using oneai::test::read_file;
using oneai::test::run_oneai;
namespace fs = std::filesystem;

namespace {

/// Task i of a run: log-normal run times, every 50th an error.
task_sample sample(int i, std::mt19937_64& random) {
    std::lognormal_distribution<double> run(std::log(200e3), 0.8);
    task_sample s;
    s.intended_start = std::chrono::microseconds(i * 5'000);
    s.submit = std::chrono::microseconds(3'000 + i % 1'000);
    s.run = std::chrono::microseconds(std::llround(run(random)));
    s.queue = std::chrono::microseconds(i % 7 * 1'000);
    s.detection = std::chrono::microseconds(10'000 + i % 5'000);
    s.end_to_end = *s.submit + *s.queue + *s.run + *s.detection;
    s.polls = 1 + static_cast<unsigned>(i % 3);
    if (i % 50 == 0) {
        s.outcome = task_outcome::error;
        s.http_status = 500;
        s.api_error = "server_error";
    }
    return s;
}

class BenchReportCli : public ::testing::Test {
  protected:
    fs::path dir = fs::temp_directory_path() /
                   ("oneai-bench-report-" + std::to_string(::getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    BenchReportCli() { fs::create_directories(dir); }
    ~BenchReportCli() override { fs::remove_all(dir); }

    std::string write(const std::string& name, const load_report& r) {
        const std::string path = (dir / name).string();
        std::ofstream(path) << boost::json::serialize(r.to_json());
        return path;
    }
    std::string path(const std::string& name) const { return (dir / name).string(); }
    /// Standard error to `err` in the test's directory, standard output to `out` ("" = none).
    cli_io streams(const std::string& err, const std::string& out = "") const {
        cli_io io;
        io.stderr_path = path(err);
        if (!out.empty())
            io.stdout_path = path(out);
        return io;
    }
};

} // namespace

TEST_F(BenchReportCli, MergeOfTwoGeneratorsEqualsTheWholeRun) {
    // The same 4000 tasks, once as one run and once split between two
    // generators, each offering half the rate.
    std::mt19937_64 random(11);
    std::vector<task_sample> samples;
    for (int i = 0; i < 4000; ++i)
        samples.push_back(sample(i, random));
    load_report whole;
    load_report parts[2];
    whole.label = parts[0].label = parts[1].label = "bench";
    whole.target_rate = 200;
    whole.duration = parts[0].duration = parts[1].duration = 20s;
    parts[0].target_rate = parts[1].target_rate = 100;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        whole.record(samples[i]);
        parts[i % 2].record(samples[i]);
        ++whole.submitted;
        ++parts[i % 2].submitted;
    }
    const auto a = write("r1.json", parts[0]);
    const auto b = write("r2.json", parts[1]);
    const auto status =
        run_oneai({"bench", "merge", a, b, "-o", path("all.json")}, streams("merge.log"));
    ASSERT_EQ(status, 0) << read_file(path("merge.log"));

    std::string why;
    auto merged = load_report::from_json_text(read_file(path("all.json")), &why);
    ASSERT_TRUE(merged) << why;
    EXPECT_EQ(merged->ended(), 4000u);
    EXPECT_EQ(merged->errors(), 80u);
    EXPECT_EQ(merged->submitted, whole.submitted);
    EXPECT_DOUBLE_EQ(merged->target_rate, 200.0);
    for (auto k : oneai::load::all_latency_kinds) {
        EXPECT_EQ(merged->latency(k), whole.latency(k)) << name(k);
        for (double q : {0.5, 0.9, 0.99, 0.999})
            EXPECT_EQ(merged->latency(k).percentile(q), whole.latency(k).percentile(q))
                << name(k) << " " << q;
    }
    // Everything else too: counters, polls per task, the per-second series.
    EXPECT_EQ(*merged, whole);
    EXPECT_NE(read_file(path("merge.log")).find("2 reports, 4000 tasks ended"), std::string::npos)
        << read_file(path("merge.log"));
}

TEST_F(BenchReportCli, MergeRefusesWhatIsNotAReport) {
    std::ofstream(path("bad.json")) << R"({"schema_version": 1, "tasks": 3})";
    std::ofstream(path("text.json")) << "hello";
    load_report good;
    const auto ok = write("good.json", good);
    auto status = run_oneai({"bench", "merge", ok, path("bad.json"), "-o", path("out.json")},
                            streams("err.log"));
    EXPECT_EQ(status, 2);
    EXPECT_NE(read_file(path("err.log")).find("bad.json is not a oneai bench report"),
              std::string::npos)
        << read_file(path("err.log"));
    EXPECT_FALSE(fs::exists(path("out.json")));

    status = run_oneai({"bench", "merge", path("text.json")}, streams("err.log"));
    EXPECT_EQ(status, 2);
    EXPECT_NE(read_file(path("err.log")).find("not JSON"), std::string::npos)
        << read_file(path("err.log"));

    status = run_oneai({"bench", "merge", path("missing.json")}, streams("err.log"));
    EXPECT_EQ(status, 2);
    EXPECT_NE(read_file(path("err.log")).find("cannot read"), std::string::npos);
}

TEST_F(BenchReportCli, CompareGivesBothRunsWithRatios) {
    load_report a;
    load_report b;
    a.target_rate = 100;
    b.target_rate = 200;
    a.duration = b.duration = 10s;
    for (int i = 1; i <= 1000; ++i) {
        task_sample s;
        s.end_to_end = std::chrono::milliseconds(i);
        a.record(s);
        s.end_to_end = std::chrono::milliseconds(2 * i); // B twice as slow
        b.record(s);
        b.record(s); // and twice as many tasks
    }
    const auto pa = write("a.json", a);
    const auto pb = write("b.json", b);
    const auto status = run_oneai({"bench", "compare", pa, pb}, streams("err.log", "out.txt"));
    ASSERT_EQ(status, 0) << read_file(path("err.log"));
    const std::string out = read_file(path("out.txt"));
    EXPECT_NE(out.find("A: " + pa), std::string::npos) << out;
    // Lines of "name  A  B  B/A".
    EXPECT_NE(out.find("target rate"), std::string::npos) << out;
    EXPECT_NE(out.find("100.0/s        200.0/s    2.00x"), std::string::npos) << out;
    EXPECT_NE(out.find("tasks completed"), std::string::npos) << out;
    EXPECT_NE(out.find("1000           2000    2.00x"), std::string::npos) << out;
    EXPECT_NE(out.find("end_to_end p99 "), std::string::npos) << out;
    EXPECT_NE(out.find("end_to_end max                 1.000s         2.000s    2.00x"),
              std::string::npos)
        << out;
    // No queue was measured in either: no rows for it.
    EXPECT_EQ(out.find("queue"), std::string::npos) << out;
}

TEST_F(BenchReportCli, CompareNeedsTwoFiles) {
    const auto status = run_oneai({"bench", "compare", "only-one.json"}, streams("err.log"));
    EXPECT_EQ(status, 2);
    EXPECT_NE(read_file(path("err.log")).find("expected two report files"), std::string::npos);
}
