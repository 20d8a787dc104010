#include "tree_arena.hpp"

#include <boost/json/storage_ptr.hpp>

#include <algorithm>
#include <cstdint>
#include <new>

namespace oneai::detail {

tree_arena::tree_arena(std::size_t first_block, tree_arena** self)
    : next_size_(std::max<std::size_t>(first_block, 256)) {
    *self = this;
}

tree_arena::~tree_arena() {
    while (newest_) {
        block* older = newest_->next;
        ::operator delete(newest_);
        newest_ = older;
    }
}

std::size_t tree_arena::arena_bytes() const noexcept {
    std::size_t total = 0;
    for (const block* b = newest_; b; b = b->next)
        total += b->size;
    return total;
}

boost::json::storage_ptr tree_arena::make(std::size_t first_block, tree_arena** arena) {
    return boost::json::make_shared_resource<tree_arena>(first_block, arena);
}

void* tree_arena::do_allocate(std::size_t n, std::size_t align) {
    if (sealed_)
        return ::operator new(n, std::align_val_t(align));
    if (newest_) {
        const auto base = reinterpret_cast<std::uintptr_t>(newest_->bytes());
        const std::size_t start = ((base + used_ + align - 1) / align * align) - base;
        if (start + n <= newest_->size) {
            used_ = start + n;
            return newest_->bytes() + start;
        }
    }
    // A new block, large enough for this allocation whatever its alignment
    // (operator new aligns to the default new alignment only).
    static_assert(sizeof(block) % alignof(std::max_align_t) == 0);
    const std::size_t size = std::max(next_size_, n + align);
    // Not zeroed: the parse writes what it uses.
    auto* fresh = static_cast<block*>(::operator new(sizeof(block) + size));
    fresh->next = newest_;
    fresh->size = size;
    newest_ = fresh;
    next_size_ = size * 2;
    const auto base = reinterpret_cast<std::uintptr_t>(fresh->bytes());
    const std::size_t start = ((base + align - 1) / align * align) - base;
    used_ = start + n;
    return fresh->bytes() + start;
}

void tree_arena::do_deallocate(void* p, std::size_t, std::size_t align) {
    // The arena's own memory goes with the arena; what came from the heap
    // (after the seal) goes back to it. The unsized form: sized deallocation
    // is off by default in clang before 16.
    if (!owns(p))
        ::operator delete(p, std::align_val_t(align));
}

bool tree_arena::do_is_equal(const boost::json::memory_resource& other) const noexcept {
    return this == &other;
}

bool tree_arena::owns(const void* p) const noexcept {
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    for (const block* b = newest_; b; b = b->next) {
        const auto begin = reinterpret_cast<std::uintptr_t>(b->bytes());
        if (at >= begin && at < begin + b->size)
            return true;
    }
    return false;
}

} // namespace oneai::detail
