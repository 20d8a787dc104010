#include "bench_report_commands.hpp"

#include "exit_codes.hpp"

#include <oneai/load/load_report.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace oneai::cli {

namespace {

using load::load_report;

const char* compare_usage = "usage: oneai bench compare A.json B.json\n"
                            "  prints two bench reports side by side, with B/A ratios\n";
const char* merge_usage =
    "usage: oneai bench merge R1.json R2.json ... [-o ALL.json]\n"
    "  merges the reports of several load generators into one, exactly: histograms,\n"
    "  counters and the per-second series add; target rates add; the duration is the\n"
    "  longest. Without -o the merged report goes to standard output.\n";

/// The report in `path`, or nullopt after saying on stderr what was wrong.
std::optional<load_report> read_report(const std::string& command, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "oneai bench " << command << ": cannot read " << path << "\n";
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string why;
    auto report = load_report::from_json_text(text.str(), &why);
    if (!report) {
        std::cerr << "oneai bench " << command << ": " << path
                  << " is not a oneai bench report: " << why << "\n";
        return std::nullopt;
    }
    return *report;
}

bool wants_help(const std::vector<std::string>& args) {
    for (const auto& a : args)
        if (a == "-h" || a == "--help")
            return true;
    return false;
}

std::string format(const char* spec, double value) {
    char buf[64];
    std::snprintf(buf, sizeof buf, spec, value);
    return buf;
}

std::string ms_text(double ms) {
    if (ms >= 1000)
        return format("%.3fs", ms / 1000);
    if (ms >= 100)
        return format("%.1fms", ms);
    if (ms >= 1)
        return format("%.2fms", ms);
    return format("%.0fus", ms * 1000);
}

/// A row of the comparison: a name, A, B and B/A ("~" when both are 0, "-"
/// when only A is).
void print_row(const std::string& name, double a, double b, const std::string& a_text,
               const std::string& b_text) {
    std::string ratio = "~";
    if (a != 0)
        ratio = format("%.2fx", b / a);
    else if (b != 0)
        ratio = "-";
    std::printf("%-22s %14s %14s %8s\n", name.c_str(), a_text.c_str(), b_text.c_str(),
                ratio.c_str());
}

void print_count(const std::string& name, double a, double b) {
    print_row(name, a, b, format("%.0f", a), format("%.0f", b));
}

} // namespace

int run_bench_compare(const std::vector<std::string>& args) {
    if (wants_help(args)) {
        std::cout << compare_usage;
        return exit_ok;
    }
    if (args.size() != 2) {
        std::cerr << "oneai bench compare: expected two report files\n" << compare_usage;
        return exit_usage;
    }
    const auto a = read_report("compare", args[0]);
    const auto b = a ? read_report("compare", args[1]) : std::nullopt;
    if (!a || !b)
        return exit_usage;

    std::printf("A: %s\nB: %s\n", args[0].c_str(), args[1].c_str());
    std::printf("%-22s %14s %14s %8s\n", "", "A", "B", "B/A");
    const auto rate = [](double r) { return format("%.1f/s", r); };
    print_row("target rate", a->target_rate, b->target_rate, rate(a->target_rate),
              rate(b->target_rate));
    print_row("achieved rate", a->achieved_rate(), b->achieved_rate(), rate(a->achieved_rate()),
              rate(b->achieved_rate()));
    const auto seconds = [](std::chrono::microseconds d) {
        return static_cast<double>(d.count()) / 1e6;
    };
    print_row("duration", seconds(a->duration), seconds(b->duration),
              format("%.1fs", seconds(a->duration)), format("%.1fs", seconds(b->duration)));
    print_row("behind schedule", seconds(a->max_behind_schedule) * 1000,
              seconds(b->max_behind_schedule) * 1000,
              ms_text(seconds(a->max_behind_schedule) * 1000),
              ms_text(seconds(b->max_behind_schedule) * 1000));
    print_count("tasks submitted", static_cast<double>(a->submitted),
                static_cast<double>(b->submitted));
    print_count("tasks completed", static_cast<double>(a->completed()),
                static_cast<double>(b->completed()));
    print_count("tasks failed", static_cast<double>(a->failed()), static_cast<double>(b->failed()));
    print_count("tasks with errors", static_cast<double>(a->errors()),
                static_cast<double>(b->errors()));
    print_count("429 answers", static_cast<double>(a->rate_limited()),
                static_cast<double>(b->rate_limited()));
    print_row("polls per task", a->mean_polls_per_task(), b->mean_polls_per_task(),
              format("%.2f", a->mean_polls_per_task()), format("%.2f", b->mean_polls_per_task()));

    const std::pair<const char*, double> stats[] = {{"mean", -1},  {"p50", 0.5},     {"p90", 0.9},
                                                    {"p99", 0.99}, {"p99.9", 0.999}, {"max", 1.0}};
    for (load::latency_kind k : load::all_latency_kinds) {
        const auto& ha = a->latency(k);
        const auto& hb = b->latency(k);
        if (ha.empty() && hb.empty())
            continue;
        for (const auto& [stat, q] : stats) {
            const auto value = [q = q](const load::latency_histogram& h) {
                return q < 0 ? h.mean_us() / 1000
                             : static_cast<double>(h.percentile(q).count()) / 1000;
            };
            const double va = value(ha);
            const double vb = value(hb);
            print_row(std::string(load::name(k)) + " " + stat, va, vb,
                      ha.empty() ? "-" : ms_text(va), hb.empty() ? "-" : ms_text(vb));
        }
    }
    return exit_ok;
}

int run_bench_merge(const std::vector<std::string>& args) {
    if (wants_help(args)) {
        std::cout << merge_usage;
        return exit_ok;
    }
    std::vector<std::string> inputs;
    std::string output;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-o" || args[i] == "--output") {
            if (i + 1 == args.size()) {
                std::cerr << "oneai bench merge: " << args[i] << " needs a file\n";
                return exit_usage;
            }
            output = args[++i];
        } else if (args[i].starts_with("-") && args[i] != "-") {
            std::cerr << "oneai bench merge: unknown flag " << args[i] << "\n" << merge_usage;
            return exit_usage;
        } else {
            inputs.push_back(args[i]);
        }
    }
    if (inputs.empty()) {
        std::cerr << "oneai bench merge: expected report files\n" << merge_usage;
        return exit_usage;
    }
    load_report merged;
    bool first = true;
    for (const auto& path : inputs) {
        auto report = read_report("merge", path);
        if (!report)
            return exit_usage;
        if (first)
            merged = std::move(*report);
        else
            merged.merge(*report);
        first = false;
    }
    const std::string text = boost::json::serialize(merged.to_json()) + "\n";
    if (output.empty()) {
        std::cout << text << std::flush;
        if (!std::cout) {
            std::cerr << "oneai bench merge: cannot write the standard output\n";
            return exit_io_error;
        }
    } else {
        std::ofstream out(output, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) {
            std::cerr << "oneai bench merge: cannot write " << output << "\n";
            return exit_io_error;
        }
    }
    std::cerr << "oneai bench merge: " << inputs.size() << " reports, " << merged.ended()
              << " tasks ended" << (output.empty() ? "" : ", written to " + output) << "\n";
    return exit_ok;
}

} // namespace oneai::cli
