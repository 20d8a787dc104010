#include <oneai/load/html_report.hpp>

#include <oneai/load/load_report.hpp>

#include "html_report_page.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace oneai::load {

namespace {

namespace json = boost::json;

double ms(std::chrono::microseconds us) {
    return static_cast<double>(us.count()) / 1000.0;
}

/// The percentile curve as HdrHistogram plots it: x = 1/(1-q) for q = 0, 0.5,
/// 0.75, ... getting ten points per decade of x, up to the resolution the
/// sample count allows, then the max.
json::array percentile_curve(const latency_histogram& h) {
    json::array points;
    if (h.empty())
        return points;
    const double last_x = static_cast<double>(h.count());
    for (int step = 0;; ++step) {
        const double x = std::pow(10.0, step / 10.0);
        if (x >= last_x || step > 70)
            break;
        const double q = 1.0 - 1.0 / x;
        points.push_back(json::array{x, ms(h.percentile(q))});
    }
    points.push_back(json::array{std::max(last_x, 1.0), ms(h.max())});
    return points;
}

json::object series_data(const load_report& r) {
    json::array t, ended, throughput, errors, in_flight, p50, p99;
    for (std::size_t i = 0; i < r.series().size(); ++i) {
        const second_stats& s = r.series()[i];
        t.push_back(i);
        ended.push_back(s.ended());
        throughput.push_back(s.completed + s.failed);
        errors.push_back(s.errors);
        in_flight.push_back(s.in_flight);
        p50.push_back(ms(s.end_to_end.percentile(0.5)));
        p99.push_back(ms(s.end_to_end.percentile(0.99)));
    }
    return {{"t", std::move(t)},
            {"ended", std::move(ended)},
            {"throughput", std::move(throughput)},
            {"errors", std::move(errors)},
            {"in_flight", std::move(in_flight)},
            {"p50", std::move(p50)},
            {"p99", std::move(p99)}};
}

json::object split_data(const load_report& r) {
    json::object mean, median;
    for (latency_kind k : all_latency_kinds) {
        const latency_histogram& h = r.latency(k);
        mean[name(k)] = h.mean_us() / 1000.0;
        median[name(k)] = ms(h.percentile(0.5));
    }
    return {{"mean", std::move(mean)}, {"median", std::move(median)}};
}

json::object plot_data(const load_report& r) {
    json::object percentiles;
    json::array latency;
    for (latency_kind k : all_latency_kinds) {
        const latency_histogram& h = r.latency(k);
        if (h.empty())
            continue;
        percentiles[name(k)] = percentile_curve(h);
        latency.push_back(json::object{{"name", name(k)},
                                       {"count", h.count()},
                                       {"mean", h.mean_us() / 1000.0},
                                       {"p50", ms(h.percentile(0.5))},
                                       {"p90", ms(h.percentile(0.9))},
                                       {"p99", ms(h.percentile(0.99))},
                                       {"p999", ms(h.percentile(0.999))},
                                       {"max", ms(h.max())}});
    }
    return {{"label", r.label},
            {"target_rate", r.target_rate},
            {"start_rate", r.start_rate()},
            {"achieved_rate", r.achieved_rate()},
            {"duration_s", static_cast<double>(r.duration.count()) / 1e6},
            {"behind_ms", ms(r.max_behind_schedule)},
            {"tasks",
             {{"submitted", r.submitted},
              {"completed", r.completed()},
              {"failed", r.failed()},
              {"errors", r.errors()}}},
            {"polls_per_task", r.mean_polls_per_task()},
            {"latency", std::move(latency)},
            {"percentiles", std::move(percentiles)},
            {"series", series_data(r)},
            {"split", split_data(r)}};
}

/// JSON safe inside a <script> element: every '<' becomes \u003c (it can
/// only occur inside strings), so no "</script>" in a label ends it early.
std::string script_safe(const json::value& v) {
    const std::string text = json::serialize(v);
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '<')
            out += "\\u003c";
        else
            out += c;
    }
    return out;
}

} // namespace

std::string render_html(const load_report& report) {
    std::string page;
    page += html_page_head;
    page += script_safe(plot_data(report));
    page += html_page_middle;
    page += script_safe(report.to_json());
    page += html_page_tail;
    return page;
}

} // namespace oneai::load
