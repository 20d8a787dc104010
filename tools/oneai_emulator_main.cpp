// oneai-emulator: runs the Pipeline API emulator until SIGINT or SIGTERM.

#include <oneai/emulator/command_line.hpp>
#include <oneai/emulator/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <iostream>
#include <vector>

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    oneai::emulator::command_line cl;
    try {
        cl = oneai::emulator::parse_command_line(args);
    } catch (const std::exception& e) {
        std::cerr << "oneai-emulator: " << e.what() << "\n";
        return 2;
    }
    if (cl.show_help) {
        std::cout << oneai::emulator::command_line_usage("oneai-emulator");
        return 0;
    }
    if (cl.show_version) {
        std::cout << "oneai-emulator " ONEAI_VERSION "\n";
        return 0;
    }
    try {
        boost::asio::io_context io{1};
        oneai::emulator::server server(io, cl.cfg);
        server.start();
        // Scripts wait for this line (and read the port from it when --port 0).
        std::cout << "oneai-emulator listening on " << server.base_url() << std::endl;
        boost::asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](boost::system::error_code, int) {
            server.stop();
            io.stop();
        });
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "oneai-emulator: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
