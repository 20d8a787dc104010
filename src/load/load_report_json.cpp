// load_report <-> JSON. The report keeps raw parts (bucket counts, exact sums
// and extremes) next to the figures derived from them (percentiles, means,
// rates) so a reader needs no code of ours; from_json reads only the raw parts
// and derives the rest again, so a merged report is exact.

#include <oneai/load/load_report.hpp>

#include <oneai/error.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace oneai::load {

namespace {

namespace json = boost::json;
using std::chrono::microseconds;

double ms(microseconds us) {
    return static_cast<double>(us.count()) / 1000.0;
}

/// Milliseconds rounded to the microsecond, so 1.234 rather than 1.2340000000000002.
double ms(double us) {
    return std::round(us) / 1000.0;
}

json::object histogram_to_json(const latency_histogram& h) {
    json::array buckets;
    for (const auto& b : h.buckets())
        buckets.push_back(json::array{b.low.count(), b.count});
    return {{"count", h.count()},
            {"min_us", h.min().count()},
            {"max_us", h.max().count()},
            {"sum_us", h.sum_us()},
            {"buckets", std::move(buckets)}};
}

json::object latency_to_json(const latency_histogram& h) {
    return {{"count", h.count()},
            {"mean", ms(h.mean_us())},
            {"p50", ms(h.percentile(0.5))},
            {"p90", ms(h.percentile(0.9))},
            {"p99", ms(h.percentile(0.99))},
            {"p999", ms(h.percentile(0.999))},
            {"max", ms(h.max())},
            {"histogram", histogram_to_json(h)}};
}

// Reads fields of a JSON document and remembers the first thing wrong with
// it, as a path and a reason, so the caller can stop at the end.
class reader {
  public:
    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }

    void fail(const std::string& path, const std::string& reason) {
        if (error_.empty())
            error_ = path + ": " + reason;
    }

    const json::object* object(const json::value* v, const std::string& path) {
        if (!v) {
            fail(path, "missing");
            return nullptr;
        }
        if (!v->is_object()) {
            fail(path, "not an object");
            return nullptr;
        }
        return &v->get_object();
    }
    const json::object* object(const json::object& parent, std::string_view key,
                               const std::string& path) {
        return object(parent.if_contains(key), join(path, key));
    }

    const json::array* array(const json::object& parent, std::string_view key,
                             const std::string& path) {
        const json::value* v = parent.if_contains(key);
        if (!v || !v->is_array()) {
            fail(join(path, key), v ? "not an array" : "missing");
            return nullptr;
        }
        return &v->get_array();
    }

    template <class T>
    T number(const json::value* v, const std::string& path) {
        if (!v) {
            fail(path, "missing");
            return T{};
        }
        boost::system::error_code ec;
        T n = v->to_number<T>(ec);
        if (ec) {
            fail(path,
                 std::is_floating_point_v<T> ? "not a number" : "not a whole number in range");
            return T{};
        }
        return n;
    }
    template <class T>
    T number(const json::object& parent, std::string_view key, const std::string& path) {
        return number<T>(parent.if_contains(key), join(path, key));
    }

    std::string text(const json::object& parent, std::string_view key, const std::string& path) {
        const json::value* v = parent.if_contains(key);
        if (!v)
            return {};
        if (!v->is_string()) {
            fail(join(path, key), "not a string");
            return {};
        }
        return std::string(v->get_string());
    }

    static std::string join(const std::string& path, std::string_view key) {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    }

  private:
    std::string error_;
};

latency_histogram histogram_from_json(reader& r, const json::object& parent, std::string_view key,
                                      const std::string& parent_path) {
    const std::string path = reader::join(parent_path, key);
    const json::object* o = r.object(parent, key, parent_path);
    if (!o)
        return {};
    const json::array* rows = r.array(*o, "buckets", path);
    if (!rows)
        return {};
    std::vector<latency_histogram::bucket> buckets;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const std::string row_path = path + ".buckets[" + std::to_string(i) + "]";
        const json::array* row = (*rows)[i].if_array();
        if (!row || row->size() != 2) {
            r.fail(row_path, "not a [low_us, count] pair");
            return {};
        }
        latency_histogram::bucket b;
        b.low = microseconds(r.number<std::int64_t>(&(*row)[0], row_path + "[0]"));
        b.count = r.number<std::uint64_t>(&(*row)[1], row_path + "[1]");
        buckets.push_back(b);
    }
    const auto min = microseconds(r.number<std::int64_t>(*o, "min_us", path));
    const auto max = microseconds(r.number<std::int64_t>(*o, "max_us", path));
    const auto sum = r.number<std::uint64_t>(*o, "sum_us", path);
    const auto count = r.number<std::uint64_t>(*o, "count", path);
    if (r.failed())
        return {};
    auto h = latency_histogram::from_parts(buckets, min, max, sum);
    if (!h) {
        r.fail(path, "buckets, min_us, max_us and sum_us do not agree");
        return {};
    }
    if (h->count() != count) {
        r.fail(path + ".count", "is not the sum of the bucket counts");
        return {};
    }
    return *h;
}

template <class Key>
json::object counts_to_json(const std::map<Key, std::uint64_t>& counts) {
    json::object o;
    for (const auto& [key, n] : counts) {
        if constexpr (std::is_same_v<Key, std::string>)
            o[key] = n;
        else
            o[std::to_string(key)] = n;
    }
    return o;
}

} // namespace

json::value load_report::to_json() const {
    json::object latency_ms;
    for (latency_kind k : all_latency_kinds)
        latency_ms[name(k)] = latency_to_json(latency(k));

    json::array counts;
    for (const auto& [polls, n] : polls_per_task_)
        counts.push_back(json::array{polls, n});
    json::object polls_per_task{{"mean", mean_polls_per_task()}, {"p50", polls_percentile(0.5)},
                                {"p90", polls_percentile(0.9)},  {"p99", polls_percentile(0.99)},
                                {"max", polls_percentile(1.0)},  {"counts", std::move(counts)}};

    json::array series;
    for (std::size_t i = 0; i < series_.size(); ++i) {
        const second_stats& s = series_[i];
        series.push_back(json::object{{"second", i},
                                      {"throughput", s.completed + s.failed},
                                      {"completed", s.completed},
                                      {"failed", s.failed},
                                      {"errors", s.errors},
                                      {"in_flight", s.in_flight},
                                      {"p50_ms", ms(s.end_to_end.percentile(0.5))},
                                      {"p99_ms", ms(s.end_to_end.percentile(0.99))},
                                      {"end_to_end", histogram_to_json(s.end_to_end)}});
    }

    return json::object{{"schema_version", schema_version},
                        {"label", label},
                        {"target_rate", target_rate},
                        {"achieved_rate", achieved_rate()},
                        {"start_rate", start_rate()},
                        {"concurrency", concurrency},
                        {"duration_us", duration.count()},
                        {"max_behind_schedule_us", max_behind_schedule.count()},
                        {"tasks",
                         {{"submitted", submitted},
                          {"completed", completed_},
                          {"failed", failed_},
                          {"errors", errors_}}},
                        {"polls", polls_},
                        {"rate_limited", rate_limited_},
                        {"http_status", counts_to_json(http_statuses_)},
                        {"api_errors", counts_to_json(api_errors_)},
                        {"polls_per_task", std::move(polls_per_task)},
                        {"latency_ms", std::move(latency_ms)},
                        {"scheduling_lag_ms", latency_to_json(scheduling_lag_)},
                        {"series", std::move(series)}};
}

boost::system::result<load_report> load_report::from_json(const json::value& v, std::string* why) {
    reader r;
    load_report report;
    auto done = [&]() -> boost::system::result<load_report> {
        if (!r.failed())
            return report;
        if (why)
            *why = r.error();
        return make_error_code(errc::bad_response);
    };
    try {
        const json::object* root = r.object(&v, "report");
        if (!root)
            return done();
        const json::value* version = root->if_contains("schema_version");
        if (!version) {
            r.fail("schema_version", "missing: not a oneai bench report");
            return done();
        }
        if (const auto n = r.number<std::int64_t>(version, "schema_version");
            !r.failed() && n != schema_version) {
            r.fail("schema_version", std::to_string(n) + " is not supported (this oneai reads " +
                                         std::to_string(schema_version) + ")");
            return done();
        }
        report.label = r.text(*root, "label", "");
        report.target_rate = r.number<double>(*root, "target_rate", "");
        report.concurrency = r.number<std::size_t>(*root, "concurrency", "");
        report.duration = microseconds(r.number<std::int64_t>(*root, "duration_us", ""));
        report.max_behind_schedule =
            microseconds(r.number<std::int64_t>(*root, "max_behind_schedule_us", ""));
        if (const json::object* tasks = r.object(*root, "tasks", "")) {
            report.submitted = r.number<std::uint64_t>(*tasks, "submitted", "tasks");
            report.completed_ = r.number<std::uint64_t>(*tasks, "completed", "tasks");
            report.failed_ = r.number<std::uint64_t>(*tasks, "failed", "tasks");
            report.errors_ = r.number<std::uint64_t>(*tasks, "errors", "tasks");
        }
        report.polls_ = r.number<std::uint64_t>(*root, "polls", "");
        report.rate_limited_ = r.number<std::uint64_t>(*root, "rate_limited", "");
        if (const json::object* statuses = r.object(*root, "http_status", "")) {
            for (const auto& [key, n] : *statuses) {
                const std::string path = "http_status." + std::string(key);
                int status = 0;
                try {
                    std::size_t used = 0;
                    status = std::stoi(std::string(key), &used);
                    if (used != key.size())
                        throw std::invalid_argument("trailing characters");
                } catch (const std::exception&) {
                    r.fail(path, "the key is not an HTTP status");
                    break;
                }
                report.http_statuses_[status] = r.number<std::uint64_t>(&n, path);
            }
        }
        if (const json::object* codes = r.object(*root, "api_errors", ""))
            for (const auto& [key, n] : *codes)
                report.api_errors_[std::string(key)] =
                    r.number<std::uint64_t>(&n, "api_errors." + std::string(key));
        if (const json::object* polls = r.object(*root, "polls_per_task", ""))
            if (const json::array* rows = r.array(*polls, "counts", "polls_per_task"))
                for (std::size_t i = 0; i < rows->size(); ++i) {
                    const std::string path = "polls_per_task.counts[" + std::to_string(i) + "]";
                    const json::array* row = (*rows)[i].if_array();
                    if (!row || row->size() != 2) {
                        r.fail(path, "not a [polls, tasks] pair");
                        break;
                    }
                    report.polls_per_task_[r.number<unsigned>(&(*row)[0], path + "[0]")] +=
                        r.number<std::uint64_t>(&(*row)[1], path + "[1]");
                }
        if (const json::object* latency_ms = r.object(*root, "latency_ms", ""))
            for (latency_kind k : all_latency_kinds)
                if (const json::object* one = r.object(*latency_ms, name(k), "latency_ms"))
                    report.latencies_[static_cast<std::size_t>(k)] = histogram_from_json(
                        r, *one, "histogram", "latency_ms." + std::string(name(k)));
        if (const json::object* lag = r.object(*root, "scheduling_lag_ms", ""))
            report.scheduling_lag_ = histogram_from_json(r, *lag, "histogram", "scheduling_lag_ms");
        if (const json::array* series = r.array(*root, "series", "")) {
            for (std::size_t i = 0; i < series->size() && !r.failed(); ++i) {
                const std::string path = "series[" + std::to_string(i) + "]";
                const json::object* one = r.object(&(*series)[i], path);
                if (!one)
                    break;
                const auto second = r.number<std::size_t>(*one, "second", path);
                if (r.failed())
                    break;
                // Tasks end within a day of the run's end; a larger second is
                // damage, and would only make us allocate the seconds between.
                const auto last_second =
                    static_cast<std::size_t>(std::max<std::int64_t>(0, report.duration.count()) /
                                             1'000'000) +
                    24 * 3600;
                if (second > last_second) {
                    r.fail(path + ".second", "more than a day after the run's duration");
                    break;
                }
                if (report.series_.size() <= second)
                    report.series_.resize(second + 1);
                second_stats& s = report.series_[second];
                s.completed = r.number<std::uint64_t>(*one, "completed", path);
                s.failed = r.number<std::uint64_t>(*one, "failed", path);
                s.errors = r.number<std::uint64_t>(*one, "errors", path);
                s.in_flight = r.number<std::size_t>(*one, "in_flight", path);
                s.end_to_end = histogram_from_json(r, *one, "end_to_end", path);
            }
        }
    } catch (const std::exception& e) {
        // Memory, mostly: a report too large to hold.
        r.fail("report", e.what());
    }
    return done();
}

boost::system::result<load_report> load_report::from_json_text(std::string_view text,
                                                               std::string* why) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) {
        if (why)
            *why = "not JSON: " + ec.message();
        return make_error_code(errc::bad_response);
    }
    return from_json(v, why);
}

} // namespace oneai::load
