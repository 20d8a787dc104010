#include "user_agent.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace oneai::detail {
namespace {

std::string install_id() {
    namespace fs = std::filesystem;
    fs::path dir;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        dir = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        dir = fs::path(home) / ".config";
    else
        return "UUID_DISABLED";
    const fs::path file = dir / "oneai-cpp" / "install-id";
    std::string id;
    if (std::ifstream in(file); in && std::getline(in, id) && id.size() == 32)
        return id;
    std::random_device rd;
    std::mt19937_64 rng(rd());
    const char* hex = "0123456789abcdef";
    id.clear();
    for (int i = 0; i < 32; ++i)
        id += hex[rng() % 16];
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    std::ofstream out(file);
    if (!ec && out && (out << id << '\n'))
        return id;
    return "UUID_DISABLED";
}

} // namespace

std::string default_user_agent() {
    static const std::string agent = std::string("cpp-sdk/") + ONEAI_VERSION + "/" + install_id();
    return agent;
}

} // namespace oneai::detail
