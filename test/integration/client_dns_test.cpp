// Name resolution that hangs: getaddrinfo cannot be interrupted, so the client
// must stop waiting for it (at connect_timeout, or when the caller cancels).
// The test binary provides its own getaddrinfo, which hangs for one made-up
// host until released and hands every other name to the C library's.

#include "../support/client_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <condition_variable>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <netdb.h>

using namespace oneai;
using namespace oneai::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

constexpr const char* hanging_host = "hanging-dns.oneai.test";

// The hanging lookups: counted when they start, released all at once.
struct hanging_lookups {
    std::mutex mutex;
    std::condition_variable changed;
    int started = 0;
    bool released = false;

    void hang() {
        std::unique_lock lock(mutex);
        ++started;
        changed.notify_all();
        changed.wait(lock, [this] { return released; });
    }
    void release() {
        std::lock_guard lock(mutex);
        released = true;
        changed.notify_all();
    }
    int started_count() {
        std::lock_guard lock(mutex);
        return started;
    }
    void reset() {
        std::lock_guard lock(mutex);
        started = 0;
        released = false;
    }
};

hanging_lookups& lookups() {
    static hanging_lookups instance;
    return instance;
}

} // namespace

extern "C" int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                           struct addrinfo** res) {
    using real_t = int (*)(const char*, const char*, const struct addrinfo*, struct addrinfo**);
    static const auto real = reinterpret_cast<real_t>(::dlsym(RTLD_NEXT, "getaddrinfo"));
    if (node && std::strcmp(node, hanging_host) == 0) {
        lookups().hang();
        return EAI_NONAME;
    }
    return real(node, service, hints, res);
}

class DnsTest : public ClientTest {
  protected:
    // The previous test's lookup has returned: its io_context joined the thread.
    DnsTest() { lookups().reset(); }
    ~DnsTest() override { lookups().release(); } // the resolver's thread may finish now
};

TEST_F(DnsTest, AHangingLookupEndsAtTheConnectTimeout) {
    opts.base_url = std::string("http://") + hanging_host + ":8080";
    opts.connect_timeout = 200ms;
    opts.retries.max_attempts = 1;
    auto c = make_client();
    auto [ec, s] = complete<task_status>(
        [&](auto h) { c->async_status(task("0b9a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"), h); });
    EXPECT_EQ(ec, asio::error::timed_out) << ec.message();
    EXPECT_GE(lookups().started_count(), 1);
}

TEST_F(DnsTest, AHangingLookupEndsWhenTheCallerCancels) {
    opts.base_url = std::string("http://") + hanging_host + ":8080";
    opts.connect_timeout = 1h; // only the cancellation can end it
    auto c = make_client();
    asio::cancellation_signal cancel;
    std::optional<error_code> done;
    c->async_status(task("0b9a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"),
                    asio::bind_cancellation_slot(cancel.slot(),
                                                 [&](error_code ec, task_status) { done = ec; }));
    // Once the lookup is under way (an event, not a clock), cancel.
    std::thread canceller([&] {
        std::unique_lock lock(lookups().mutex);
        lookups().changed.wait(lock, [] { return lookups().started > 0; });
        lock.unlock();
        asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
    });
    io.restart();
    while (!done && io.run_one() > 0) {
    }
    canceller.join();
    ASSERT_TRUE(done);
    EXPECT_EQ(*done, asio::error::operation_aborted) << done->message();
}
