// Fuzzes `oneai batch`'s input lines end to end: a line becomes an item (or
// an INVALID one), and the item's outcome becomes an output line. Any input
// line must give an output line that is one valid JSON object whose index
// and status read back, since a resume reads them to know what is done.
// "file" paths are checked against a real folder, as for an input file.

#include "batch_lines.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace {

// An input folder with one readable document, made once per process.
const oneai::cli::file_rules& rules() {
    static const oneai::cli::file_rules r = [] {
        namespace fs = std::filesystem;
        const fs::path base = fs::temp_directory_path() / "oneai-fuzz-input-line";
        fs::create_directories(base / "docs");
        std::ofstream(base / "docs" / "a.txt") << "A short document.\n";
        return oneai::cli::file_rules{base, {}};
    }();
    return r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const std::uint64_t index = size; // any index; the size varies it cheaply
    oneai::batch_item item = oneai::cli::parse_input_line(line, index, rules());

    oneai::batch_outcome o;
    o.index = item.index;
    o.id = item.id;
    o.echo_json = item.echo_json;
    if (!item.invalid.empty()) {
        o.what = oneai::batch_outcome::kind::invalid;
        o.ec = oneai::errc::invalid_argument;
        o.diag.message = item.invalid;
    } else {
        o.what = oneai::batch_outcome::kind::failed;
        o.ec = oneai::errc::task_failed;
        o.diag.details = std::string(line); // untrusted text in an error field
    }
    const std::string out = oneai::cli::format_outcome(o);
    if (out.empty() || out.back() != '\n')
        std::abort();
    const std::string_view written(out.data(), out.size() - 1);
    if (written.find('\n') != std::string_view::npos)
        std::abort(); // one outcome, one line
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(written, ec);
    if (ec || !parsed.is_object())
        std::abort();

    std::uint64_t read_index = 0;
    std::string_view status;
    if (!oneai::cli::read_outcome_key(written, read_index, status) || read_index != o.index ||
        status != oneai::to_string(o.what))
        std::abort();
    return 0;
}
