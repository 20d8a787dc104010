#pragma once
// What every command line of the project (oneai, its commands, the emulator)
// does the same way on top of CLI11: the same help layout, a repeated flag
// taking its last value, and CLI11's errors turned into the short sentences
// the programs print, as std::invalid_argument.
//
// Header-only on purpose: the emulator library is installed, and its parser
// must not make CLI11 (a header-only library as well) a dependency of its users.

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace oneai::common {

/// CLI11's help layout with a usage line of our own ("Usage: oneai batch
/// INPUT.jsonl [flags]" says more than "[OPTIONS]").
class help_layout : public CLI::Formatter {
  public:
    explicit help_layout(std::string usage) : usage_(std::move(usage)) { column_width(32); }
    std::string make_usage(const CLI::App*, std::string) const override { return usage_ + "\n"; }

  private:
    std::string usage_;
};

/// Help layout and defaults shared by every command line (and subcommand).
inline void prepare_flags(CLI::App& app, std::string usage) {
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.set_help_flag("-h,--help", "print this help and exit");
    app.formatter(std::make_shared<help_layout>(std::move(usage)));
}

/// Says what is wrong with an argument no flag or positional took: "unknown
/// flag '--x'" by default.
using extra_argument_message = std::function<std::string(const std::string& argument)>;

inline std::string default_extra_message(const std::string& argument) {
    if (argument.starts_with("-") && argument != "-")
        return "unknown flag '" + argument.substr(0, argument.find('=')) + "'";
    return "unexpected argument '" + argument + "'";
}

/// Parses `args` (without the program name). Returns true when help was asked
/// for (-h, --help). Throws std::invalid_argument with a message for people.
inline bool parse_flags(CLI::App& app, std::span<const std::string_view> args,
                        const extra_argument_message& extra = default_extra_message) {
    std::vector<std::string> storage(args.begin(), args.end());
    // CLI11 reads `--key=` as a flag without its value; say what it is.
    for (const auto& a : storage)
        if (a.starts_with("--") && a.size() > 3 && a.find('=') == a.size() - 1)
            throw std::invalid_argument(a.substr(0, a.size() - 1) +
                                        ": the value must not be empty");
    std::vector<const char*> argv{app.get_name().c_str()};
    for (const auto& a : storage)
        argv.push_back(a.c_str());
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::CallForHelp&) {
        return true;
    } catch (const CLI::ExtrasError&) {
        const auto left = app.remaining(true);
        throw std::invalid_argument(extra(left.empty() ? std::string("?") : left.front()));
    } catch (const CLI::ArgumentMismatch& e) {
        // "--port: 1 required N missing": the flag came last, or before another flag.
        std::string what = e.what();
        throw std::invalid_argument(what.substr(0, what.find(':')) + " needs a value");
    } catch (const CLI::ParseError& e) {
        throw std::invalid_argument(e.what());
    }
    return false;
}

/// Every flag name of `app` ("--port", "-o"), or only those that take a
/// value, for shell completion.
inline std::vector<std::string> flag_names(const CLI::App& app, bool only_with_values = false) {
    std::vector<std::string> names;
    for (const CLI::Option* option : app.get_options()) {
        if (only_with_values && option->get_items_expected_min() == 0)
            continue;
        for (const auto& n : option->get_lnames())
            names.push_back("--" + n);
        for (const auto& n : option->get_snames())
            names.push_back("-" + n);
    }
    return names;
}

} // namespace oneai::common
