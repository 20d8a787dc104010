#pragma once
// The memory a typed result's JSON tree lives in: the parse allocates from a
// few large blocks (cheap, and freed at once), and once the tree is handed
// over the arena is sealed, so that anything allocated later in its name (a
// user's `json::value v = r.raw();`, which Boost.JSON makes in the source's
// storage) comes from the heap and is freed as usual. Without the seal such
// copies would grow the arena, unsynchronised, until the result died.

#include <boost/json/memory_resource.hpp>
#include <boost/json/storage_ptr.hpp>

#include <cstddef>

namespace oneai::detail {

class tree_arena final : public boost::json::memory_resource {
  public:
    /// Writes its own address to `*self` (make_shared_resource wraps the
    /// arena, so the storage_ptr does not lead back to it).
    tree_arena(std::size_t first_block, tree_arena** self);
    tree_arena(const tree_arena&) = delete;
    tree_arena& operator=(const tree_arena&) = delete;
    ~tree_arena() override;

    /// From now on, allocations come from the heap. Call it before the tree
    /// is shared with another thread.
    void seal() noexcept { sealed_ = true; }
    /// Bytes held in the arena's blocks (for tests).
    std::size_t arena_bytes() const noexcept;

    /// A shared arena for one parse (the tree keeps it alive); `*arena` is set
    /// to it, to seal it once the parse is done.
    static boost::json::storage_ptr make(std::size_t first_block, tree_arena** arena);

  private:
    // A block's header sits at its start, the bytes handed out follow it: the
    // blocks are a list of their own, with no container to allocate.
    // Aligned as operator new aligns, so that the bytes after it are too.
    struct alignas(alignof(std::max_align_t)) block {
        block* next;
        std::size_t size; // of the bytes after the header
        unsigned char* bytes() noexcept { return reinterpret_cast<unsigned char*>(this + 1); }
        const unsigned char* bytes() const noexcept {
            return reinterpret_cast<const unsigned char*>(this + 1);
        }
    };
    void* do_allocate(std::size_t n, std::size_t align) override;
    void do_deallocate(void* p, std::size_t n, std::size_t align) override;
    bool do_is_equal(const boost::json::memory_resource& other) const noexcept override;
    bool owns(const void* p) const noexcept;

    block* newest_ = nullptr; // allocations come from it; it links to the older ones
    std::size_t used_ = 0;    // in the newest block
    std::size_t next_size_;
    bool sealed_ = false;
};

} // namespace oneai::detail
