// The bench HTML report in a real headless browser (Debian's chromium): the
// page renders with no script errors and every plot draws points. Skipped only
// when no chromium binary exists (scripts/install-deps installs it).

#include <oneai/load/html_report.hpp>
#include <oneai/load/load_report.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sys/wait.h>
#include <unistd.h>

using namespace std::chrono_literals;
using oneai::load::load_report;
using oneai::load::render_html;
using oneai::load::task_outcome;
using oneai::load::task_sample;
namespace fs = std::filesystem;

namespace {

/// The chromium binary: $ONEAI_CHROMIUM, else the first of the usual names on
/// the PATH; "" when there is none.
std::string find_chromium() {
    if (const char* set = std::getenv("ONEAI_CHROMIUM"); set && *set)
        return set;
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
        std::size_t start = 0;
        while (start <= dirs.size()) {
            const std::size_t end = std::min(dirs.find(':', start), dirs.size());
            const fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
            if (::access(candidate.c_str(), X_OK) == 0)
                return candidate.string();
            start = end + 1;
        }
    }
    return {};
}

struct browser_run {
    int status = -1;
    std::string dom;    ///< the DOM after the page's scripts ran (--dump-dom)
    std::string stderr; ///< chromium's log, with the page's console messages
};

/// Loads `page` in headless chromium and returns the DOM its scripts left.
/// The timeout only keeps a hung browser from hanging the suite.
browser_run open_in_browser(const std::string& chromium, const fs::path& page,
                            const fs::path& scratch) {
    const fs::path err = scratch / "chromium.log";
    const std::string command = "timeout 90 '" + chromium +
                                "' --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
                                "--enable-logging=stderr --v=0 --user-data-dir='" +
                                (scratch / "profile").string() + "' --dump-dom 'file://" +
                                page.string() + "' 2>'" + err.string() + "'";
    browser_run run;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe)
        return run;
    std::array<char, 8192> buf{};
    while (auto n = std::fread(buf.data(), 1, buf.size(), pipe))
        run.dom.append(buf.data(), n);
    const int raw = ::pclose(pipe);
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    std::ifstream in(err);
    run.stderr.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return run;
}

/// The value of `attribute` on the element with id `id` in serialised HTML, or "".
std::string attribute_of(const std::string& dom, const std::string& id,
                         const std::string& attribute) {
    const std::regex element("<[a-z]+ [^>]*id=\"" + id + "\"[^>]*>");
    std::smatch tag;
    if (!std::regex_search(dom, tag, element))
        return {};
    const std::regex value(attribute + "=\"([^\"]*)\"");
    std::smatch found;
    const std::string text = tag.str();
    return std::regex_search(text, found, value) ? found[1].str() : std::string();
}

/// What the page wrote into its error box (#page-errors).
std::string page_errors(const std::string& dom) {
    const std::regex box("<div id=\"page-errors\"[^>]*>([^<]*)</div>");
    std::smatch found;
    return std::regex_search(dom, found, box) ? found[1].str() : "(no error box in the DOM)";
}

/// A 30-second open-loop run at 50 tasks/s with every latency part, some
/// errors, and a label that tries to end the script early.
load_report sample_report() {
    load_report r;
    r.label = "oneai bench --rate 50 </script><b>not markup</b>";
    r.target_rate = 50;
    r.duration = 30s;
    r.max_behind_schedule = 3ms;
    std::mt19937_64 random(4);
    std::lognormal_distribution<double> run(std::log(250e3), 0.7);
    for (int i = 0; i < 1500; ++i) {
        task_sample s;
        s.intended_start = std::chrono::microseconds(i * 20'000);
        s.submit = std::chrono::microseconds(4'000 + i % 900);
        s.queue = std::chrono::microseconds(i % 10 * 2'000);
        s.run = std::chrono::microseconds(std::llround(run(random)));
        s.detection = std::chrono::microseconds(15'000 + i % 20'000);
        s.end_to_end = *s.submit + *s.queue + *s.run + *s.detection;
        s.polls = 2;
        if (i % 100 == 0)
            s.outcome = task_outcome::error;
        r.record(s);
        r.record_in_flight(s.intended_start, static_cast<std::size_t>(10 + i % 7));
        ++r.submitted;
    }
    return r;
}

class HtmlReport : public ::testing::Test {
  protected:
    fs::path dir = fs::temp_directory_path() /
                   ("oneai-html-report-" + std::to_string(::getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::string chromium = find_chromium();
    HtmlReport() { fs::create_directories(dir); }
    ~HtmlReport() override { fs::remove_all(dir); }

    browser_run render(const load_report& r) {
        const fs::path page = dir / "report.html";
        std::ofstream(page) << render_html(r);
        return open_in_browser(chromium, page, dir);
    }
};

const char* const plots[] = {"plot-percentiles", "plot-latency-time", "plot-throughput",
                             "plot-split"};

} // namespace

TEST(HtmlReportPage, IsSelfContained) {
    const std::string page = render_html(sample_report());
    // Nothing from the network: no external scripts, styles, images or fetches.
    for (const char* external : {"src=", "href=", "http://", "https://", "@import", "fetch("}) {
        const std::string needle = external;
        std::size_t at = page.find(needle);
        // The SVG namespace URI is a name, not a request.
        while (at != std::string::npos && page.compare(at, 26, "http://www.w3.org/2000/svg") == 0)
            at = page.find(needle, at + 1);
        EXPECT_EQ(at, std::string::npos) << "the page refers to " << external;
    }
    // The label cannot end the data's script element.
    EXPECT_EQ(page.find("</script><b>"), std::string::npos);
    EXPECT_NE(page.find("\"schema_version\":1"), std::string::npos);
}

TEST_F(HtmlReport, RendersEveryPlotWithoutErrorsInChromium) {
    if (chromium.empty())
        GTEST_SKIP() << "no chromium binary (install Debian's chromium: scripts/install-deps)";
    const browser_run run = render(sample_report());
    ASSERT_EQ(run.status, 0) << run.stderr;
    ASSERT_EQ(attribute_of(run.dom, "page-errors", "data-errors"), "0")
        << "the page caught errors: " << page_errors(run.dom);
    EXPECT_NE(run.dom.find("data-rendered=\"yes\""), std::string::npos) << run.dom.substr(0, 2000);
    EXPECT_EQ(run.stderr.find("Uncaught"), std::string::npos) << run.stderr;
    for (const char* plot : plots) {
        const std::string points = attribute_of(run.dom, plot, "data-points");
        EXPECT_FALSE(points.empty()) << plot;
        EXPECT_GT(std::atoi(points.c_str()), 0) << plot << " drew nothing";
    }
    // 30 seconds of series: each of the 3 lines of the throughput plot has a point per second.
    EXPECT_GE(std::atoi(attribute_of(run.dom, "plot-throughput", "data-points").c_str()), 90);
    // 4 parts, by mean and by median.
    EXPECT_EQ(attribute_of(run.dom, "plot-split", "data-points"), "8");
    // The label is text, not markup.
    EXPECT_NE(run.dom.find("&lt;b&gt;not markup&lt;/b&gt;"), std::string::npos);
}

TEST_F(HtmlReport, AnEmptyReportRendersWithoutErrors) {
    if (chromium.empty())
        GTEST_SKIP() << "no chromium binary (install Debian's chromium: scripts/install-deps)";
    const browser_run run = render(load_report{});
    ASSERT_EQ(run.status, 0) << run.stderr;
    EXPECT_EQ(attribute_of(run.dom, "page-errors", "data-errors"), "0") << page_errors(run.dom);
    EXPECT_NE(run.dom.find("data-rendered=\"yes\""), std::string::npos);
    for (const char* plot : plots)
        EXPECT_EQ(attribute_of(run.dom, plot, "data-points"), "0") << plot;
}
