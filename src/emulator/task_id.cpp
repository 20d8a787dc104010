#include "task_id.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <sys/random.h>

namespace oneai::emulator::detail {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";
// Positions of the dashes in the canonical form.
constexpr bool is_dash_position(std::size_t i) {
    return i == 8 || i == 13 || i == 18 || i == 23;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

task_id as_uuid_v4(task_id id) {
    id.bytes[6] = static_cast<std::uint8_t>((id.bytes[6] & 0x0F) | 0x40); // version 4
    id.bytes[8] = static_cast<std::uint8_t>((id.bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
    return id;
}

} // namespace

task_id task_id::random(std::mt19937_64& rng) {
    task_id id;
    std::uint64_t halves[2] = {rng(), rng()};
    std::memcpy(id.bytes.data(), halves, 16);
    return as_uuid_v4(id);
}

task_id task_id_source::next() {
    if (seeded_)
        return task_id::random(*seeded_);
    if (pool_used_ + 16 > pool_.size())
        refill();
    task_id id;
    std::memcpy(id.bytes.data(), pool_.data() + pool_used_, 16);
    pool_used_ += 16;
    return as_uuid_v4(id);
}

void task_id_source::refill() {
    std::size_t filled = 0;
    while (filled < pool_.size()) {
        ssize_t n = getrandom(pool_.data() + filled, pool_.size() - filled, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) // no entropy source at all: never fall back to guessable ids
            throw std::system_error(errno, std::generic_category(), "getrandom");
        filled += static_cast<std::size_t>(n);
    }
    pool_used_ = 0;
}

std::optional<task_id> task_id::parse(std::string_view text) {
    if (text.size() != 36)
        return std::nullopt;
    task_id id;
    std::size_t byte = 0;
    for (std::size_t i = 0; i < 36;) {
        if (is_dash_position(i)) {
            if (text[i] != '-')
                return std::nullopt;
            ++i;
            continue;
        }
        int high = hex_value(text[i]);
        int low = hex_value(text[i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        id.bytes[byte++] = static_cast<std::uint8_t>(high * 16 + low);
        i += 2;
    }
    return id;
}

std::string task_id::to_string() const {
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out.push_back('-');
        out.push_back(hex_digits[bytes[i] >> 4]);
        out.push_back(hex_digits[bytes[i] & 0x0F]);
    }
    return out;
}

std::size_t task_id_hash::operator()(const task_id& id) const noexcept {
    // The bytes are already uniformly random: any 8 of them make a good hash.
    std::uint64_t h;
    std::memcpy(&h, id.bytes.data(), sizeof h);
    return static_cast<std::size_t>(h);
}

} // namespace oneai::emulator::detail
