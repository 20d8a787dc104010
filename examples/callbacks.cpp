// The same operations with plain callbacks: no coroutines needed. Submits a
// few texts, then waits for each task by id.

#include <oneai.hpp>
#include <oneai/emulator/embedded_server.hpp>

#include <boost/asio/io_context.hpp>

#include <iostream>

int main() {
    oneai::emulator::config emulator_cfg;
    emulator_cfg.port = 0;
    oneai::emulator::embedded_server emulator(emulator_cfg);

    boost::asio::io_context io;
    oneai::client c{io.get_executor(), {.base_url = emulator.base_url(), .api_key = "example-key"}};
    const auto p = oneai::pipeline{}.names();
    int failures = 0;
    for (std::string text :
         {"We met Maria Lopez in Paris.", "David Chen thanked the volunteers."}) {
        c.async_submit(p, oneai::text_input{text}, [&, text](oneai::error_code ec, oneai::task t) {
            if (ec) {
                std::cerr << "submit failed: " << ec.message() << "\n";
                ++failures;
                return;
            }
            c.async_wait(t, [&, text, id = t.id()](oneai::error_code ec, oneai::result r) {
                if (ec) {
                    std::cerr << "task " << id << ": " << ec.message() << "\n";
                    ++failures;
                    return;
                }
                std::cout << text << " -> ";
                for (const oneai::label* l : r.labels_of("names"))
                    std::cout << l->span_text << " (" << l->name << ") ";
                std::cout << "\n";
            });
        });
    }
    io.run();
    return failures == 0 ? 0 : 1;
}
