#include "batch_files.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <unistd.h>
#include <vector>

namespace oneai::cli {
namespace {

namespace fs = std::filesystem;

struct named_file {
    std::string role; // "input", "output", "journal"
    std::string path;
    std::optional<struct stat> identity;
    fs::path normal;
};

named_file describe(std::string role, const std::string& path) {
    named_file f{std::move(role), path, std::nullopt, {}};
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0)
        f.identity = st;
    std::error_code ec;
    f.normal = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec)
        f.normal = fs::path(path).lexically_normal();
    return f;
}

bool same(const named_file& a, const named_file& b) {
    if (a.identity && b.identity)
        return a.identity->st_dev == b.identity->st_dev && a.identity->st_ino == b.identity->st_ino;
    return a.normal == b.normal;
}

} // namespace

void refuse_same_files(const std::string& input_path, const struct stat& input,
                       const std::string& output_path, const std::string& journal_path) {
    std::vector<named_file> files;
    named_file in{"input", input_path, input, {}};
    if (input_path == "-" || !S_ISREG(input.st_mode))
        in.normal = "/dev/stdin/not-a-path"; // a pipe has no path to collide with
    else
        in = describe("input", input_path), in.identity = input;
    files.push_back(in);
    if (!output_path.empty()) {
        files.push_back(describe("output", output_path));
    } else {
        // Standard output may be a file too: `oneai batch in.jsonl >> in.jsonl`.
        named_file out{"output", "(standard output)", std::nullopt, "/dev/stdout/not-a-path"};
        struct stat st {};
        if (::fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
            out.identity = st;
            files.push_back(out);
        }
    }
    if (!journal_path.empty())
        files.push_back(describe("journal", journal_path));
    for (std::size_t i = 0; i < files.size(); ++i)
        for (std::size_t j = i + 1; j < files.size(); ++j)
            if (same(files[i], files[j]))
                throw std::invalid_argument("the " + files[i].role + " '" + files[i].path +
                                            "' and the " + files[j].role + " '" + files[j].path +
                                            "' are the same file; nothing was touched");
}

void refuse_earlier_batch(const std::string& output_path, const std::string& journal_path) {
    for (const auto& [role, path] : {std::pair{"output", output_path}, {"journal", journal_path}}) {
        struct stat st {};
        if (path.empty() || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
            st.st_size == 0)
            continue;
        throw std::invalid_argument(std::string("the ") + role + " '" + path +
                                    "' already holds an earlier batch; pass --resume to "
                                    "continue, or --overwrite to start again");
    }
}

} // namespace oneai::cli
