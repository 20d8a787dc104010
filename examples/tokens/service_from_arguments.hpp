#pragma once
// Where the completion-token examples send their pipeline, read from their
// command line:
//   run_with_...              the real service: ONEAI_API_KEY, and ONEAI_BASE_URL
//                             if set (https://api.oneai.com otherwise)
//   run_with_... BASE_URL     the service at BASE_URL, with ONEAI_API_KEY
//   run_with_... --emulator   an emulator embedded in the program (offline)
// It keeps the examples' own files down to what differs between them: the token.

#include <oneai/emulator/embedded_server.hpp>
#include <oneai/options.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

class service_from_arguments {
  public:
    /// Exits with status 2 and a message on arguments it does not know, or
    /// without a key for a real service: an example has nothing to undo yet.
    service_from_arguments(int argc, char** argv) {
        const std::string_view first = argc > 1 ? argv[1] : "";
        if (argc > 2 || (first.starts_with("-") && first != "--emulator"))
            refuse(std::string("usage: ") + argv[0] + " [--emulator | BASE_URL]");
        if (first == "--emulator") {
            oneai::emulator::config cfg;
            cfg.port = 0;
            emulator_ = std::make_unique<oneai::emulator::embedded_server>(cfg);
            options_.base_url = emulator_->base_url();
            options_.api_key = "example-key";
            return;
        }
        if (!first.empty())
            options_.base_url = first;
        else if (const char* url = std::getenv("ONEAI_BASE_URL"); url && *url)
            options_.base_url = url;
        const char* key = std::getenv("ONEAI_API_KEY");
        if (!key || !*key)
            refuse("set ONEAI_API_KEY (or pass --emulator)");
        options_.api_key = key;
    }

    const oneai::options& options() const { return options_; }

  private:
    [[noreturn]] static void refuse(const std::string& message) {
        std::cerr << message << "\n";
        std::exit(2);
    }

    std::unique_ptr<oneai::emulator::embedded_server> emulator_;
    oneai::options options_;
};
