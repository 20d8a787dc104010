// Per-operation cancellation: each type in each phase of a task's life, the
// deadline and diagnostics adapters, and what stays usable afterwards.

#include "../support/cancel_cases.hpp"
#include "../support/client_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <mutex>
#include <thread>

using namespace oneai;
using namespace oneai::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;

class CancellationTest : public ClientTest {
  protected:
    // Starts `op` bound to a signal and emits `type` once the operation's wait
    // has seen its task unfinished (a poll answered QUEUED or RUNNING): an
    // event, not a clock. Runs to completion.
    template <typename T, typename Op>
    std::pair<error_code, T> cancel_once_polled(client& c, Op op, asio::cancellation_type type) {
        asio::cancellation_signal signal;
        std::optional<std::pair<error_code, T>> out;
        bool emitted = false;
        c.set_observer({.on_poll = [&](const poll_event& e) {
            if (emitted || (e.state != task_state::queued && e.state != task_state::running))
                return;
            emitted = true;
            // Emitted from the loop, not from inside the client's own hook.
            asio::post(io, [&] {
                if (!out)
                    signal.emit(type);
            });
        }});
        op(asio::bind_cancellation_slot(
            signal.slot(), [&](error_code ec, T v) { out.emplace(ec, std::move(v)); }));
        io.restart();
        io.run();
        c.set_observer({});
        EXPECT_TRUE(emitted) << "no poll saw the task unfinished";
        EXPECT_TRUE(out.has_value());
        return out ? std::move(*out) : std::pair<error_code, T>{};
    }
};

TEST_F(CancellationTest, SubmitCancelledBeforeTheRequestIsWritten) {
    start_server();
    for (const auto& c : all_types) {
        auto cl = make_client();
        asio::cancellation_signal signal;
        std::optional<error_code> out;
        cl->async_submit(
            simple(), text_input{sample_text},
            asio::bind_cancellation_slot(signal.slot(), [&](error_code ec, task) { out = ec; }));
        signal.emit(c.type); // before the coroutine has run at all
        io.restart();
        io.run();
        ASSERT_TRUE(out) << c.name;
        EXPECT_EQ(*out, asio::error::operation_aborted) << c.name;
    }
    EXPECT_EQ(server_stats().at("submits"), 0); // nothing reached the service
}

TEST_F(CancellationTest, WaitStopsForEveryTypeInEveryTaskStateAndTheTaskStaysUsable) {
    server_cfg.workers = 1;
    // Tasks of an hour: the states below hold for the whole test, whatever the load.
    server_cfg.latency = emulator::latency_model::fixed(1h);
    start_server();
    auto c = make_client();
    // The first task occupies the only worker (RUNNING); the second waits (QUEUED).
    auto [ec1, running] =
        complete<task>([&](auto h) { c->async_submit(simple(), text_input{"One text."}, h); });
    auto [ec2, queued] =
        complete<task>([&](auto h) { c->async_submit(simple(), text_input{"Two text."}, h); });
    ASSERT_FALSE(ec1 || ec2);
    for (const task* t : {&running, &queued}) {
        for (const auto& type : all_types) {
            diagnostics diag;
            auto [ec, r] = cancel_once_polled<result>(
                *c, [&](auto h) { c->async_wait(*t, std::nullopt, diag, h); }, type.type);
            EXPECT_EQ(ec, asio::error::operation_aborted) << type.name;
            EXPECT_EQ(diag.task_id, t->id()) << type.name;
        }
    }
    // Cancelled waits leave the tasks and the client alone: both tasks are
    // still there, in the state they had.
    for (const auto& [t, state] :
         {std::pair{&running, task_state::running}, std::pair{&queued, task_state::queued}}) {
        auto [ec, s] = complete<task_status>([&](auto h) { c->async_status(*t, h); });
        ASSERT_FALSE(ec) << ec.message();
        EXPECT_EQ(s.state, state) << t->id();
    }
}

TEST_F(CancellationTest, RunIgnoresTotalCancellationOnceSubmitted) {
    server_cfg.latency = emulator::latency_model::fixed(300ms);
    start_server();
    auto c = make_client();
    // Total cancellation promises no side effect; the task exists once submitted,
    // so a total cancel arriving during the wait cannot be honoured.
    auto [ec, r] = cancel_once_polled<result>(
        *c, [&](auto h) { c->async_run(simple(), text_input{sample_text}, h); },
        asio::cancellation_type::total);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(r.summary().has_value());
}

TEST_F(CancellationTest, RunStopsOnPartialOrTerminalAndReportsTheTask) {
    server_cfg.latency = emulator::latency_model::fixed(1h);
    start_server();
    auto c = make_client();
    for (auto type : {asio::cancellation_type::partial, asio::cancellation_type::terminal}) {
        diagnostics diag;
        auto [ec, r] = cancel_once_polled<result>(
            *c, [&](auto h) { c->async_run(simple(), text_input{sample_text}, diag, h); }, type);
        EXPECT_EQ(ec, asio::error::operation_aborted);
        EXPECT_FALSE(diag.task_id.empty()); // resumable with async_wait
    }
}

TEST_F(CancellationTest, WithDeadlineBoundsAWait) {
    server_cfg.latency = emulator::latency_model::fixed(1h); // only the deadline can end it
    start_server();
    auto c = make_client();
    auto [ec1, t] =
        complete<task>([&](auto h) { c->async_submit(simple(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec1);
    const auto started = std::chrono::steady_clock::now();
    diagnostics diag;
    auto [ec, r] = complete<result>([&](auto h) {
        c->async_wait(t, std::nullopt, diag, with_deadline(io.get_executor(), 200ms, h));
    });
    EXPECT_EQ(ec, errc::deadline_exceeded) << ec.message();
    EXPECT_GE(std::chrono::steady_clock::now() - started, 200ms); // not before it expired
    EXPECT_EQ(diag.task_id, t.id());                              // the task stays there to wait on
}

TEST_F(CancellationTest, WithDiagnosticsThrowsBothCodeAndDetails) {
    server_cfg.faults.task_failure_rate = 1.0;
    start_server();
    auto c = make_client();
    std::optional<error_with_diagnostics> caught;
    // A named closure: a coroutine lambda's captures live in the closure, which
    // must outlive the coroutine (a temporary would dangle once it suspends).
    auto body = [&]() -> asio::awaitable<void> {
        // Named arguments, not temporaries: GCC 12 destroys brace-initialised
        // temporaries of a co_await expression twice.
        input in = text_input{sample_text};
        try {
            co_await c->async_run(simple(), std::move(in), with_diagnostics(asio::use_awaitable));
        } catch (const error_with_diagnostics& e) {
            caught.emplace(e);
        }
    };
    asio::co_spawn(io, body(), asio::detached);
    io.run();
    ASSERT_TRUE(caught);
    EXPECT_EQ(caught->code(), errc::task_failed);
    EXPECT_EQ(caught->get_diagnostics().api_code, 50000);
    EXPECT_FALSE(caught->get_diagnostics().task_id.empty());
    EXPECT_NE(std::string(caught->what()).find("task "), std::string::npos);
}

TEST_F(CancellationTest, WithDiagnosticsLeavesTheCallersDiagnosticsIntact) {
    server_cfg.faults.task_failure_rate = 1.0;
    start_server();
    auto c = make_client();
    diagnostics diag;
    std::exception_ptr thrown;
    c->async_run(simple(), text_input{sample_text}, diag,
                 with_diagnostics([&](std::exception_ptr ep, result) { thrown = ep; }));
    io.run();
    ASSERT_TRUE(thrown);
    EXPECT_EQ(diag.api_code, 50000); // copied into the exception, not moved out
    EXPECT_FALSE(diag.task_id.empty());
    try {
        std::rethrow_exception(thrown);
    } catch (const error_with_diagnostics& e) {
        EXPECT_EQ(e.get_diagnostics().task_id, diag.task_id);
    }
}

TEST_F(CancellationTest, WithDeadlineSurvivesAHandlerDestroyedWithoutRunning) {
    // An operation may drop its handler unrun (its io_context destroyed): the
    // caller's slot must not keep a pointer into the adapter's freed state.
    asio::cancellation_signal outer;
    bool ran = false;
    auto token = with_deadline(
        io.get_executor(), 1s,
        asio::bind_cancellation_slot(outer.slot(), [&](error_code, int) { ran = true; }));
    asio::async_initiate<decltype(token), void(error_code, int)>(
        [](auto handler) { auto dropped = std::move(handler); }, // destroyed here, never run
        token);
    outer.emit(asio::cancellation_type::terminal); // a use after free before the fix (ASan)
    io.run();
    EXPECT_FALSE(ran);
}

TEST_F(CancellationTest, TheHandlersExecutorKeepsWorkUntilTheHandlerRuns) {
    // The handler runs on another io_context, which has nothing else to do:
    // without outstanding work its run() would return before the answer.
    server_cfg.latency = emulator::latency_model::fixed(200ms);
    start_server();
    auto c = make_client();
    asio::io_context handlers;
    bool done = false;
    c->async_run(simple(), text_input{sample_text},
                 asio::bind_executor(handlers.get_executor(), [&](error_code ec, result) {
                     EXPECT_FALSE(ec) << ec.message();
                     done = true;
                 }));
    std::thread client_thread([&] { io.run(); });
    handlers.run(); // returns once the handler has run, not before
    client_thread.join();
    EXPECT_TRUE(done);
}

TEST_F(CancellationTest, UseAwaitableReturnsTheValue) {
    start_server();
    auto c = make_client();
    std::optional<std::string> summary;
    auto body = [&]() -> asio::awaitable<void> {
        input in = text_input{sample_text};
        result r =
            co_await c->async_run(simple(), std::move(in), with_diagnostics(asio::use_awaitable));
        summary = r.summary();
    };
    asio::co_spawn(io, body(), asio::detached);
    io.run();
    EXPECT_EQ(summary, "Maria Lopez met the board in London on Tuesday.");
}

TEST_F(ClientTest, TlsWithTheRightCertificate) {
    start_tls_server();
    opts.tls.ca_file = ONEAI_TEST_CERT;
    auto c = make_client();
    auto [ec, r] = complete<result>(
        [&](auto h) { c->async_run(pipeline{}.summarize(), text_input{sample_text}, h); });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(r.summary().has_value());
}

TEST_F(ClientTest, TlsSendsARequestBodyLargerThanOneRecord) {
    // Over 16 KB, a TLS record's size: the body must go out whole, in several records.
    start_tls_server();
    opts.tls.ca_file = ONEAI_TEST_CERT;
    opts.request_timeout = std::chrono::seconds(10); // the failure was a request never answered
    std::string text;
    while (text.size() < 40 * 1024)
        text += std::string(sample_text) + " ";
    auto c = make_client();
    auto [ec, r] = complete<result>(
        [&](auto h) { c->async_run(pipeline{}.summarize(), text_input{text}, h); });
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(r.summary().has_value());
    EXPECT_EQ(server_stats().at("submits").to_number<int>(), 1);
}

namespace {

// A certificate verification failure, as OpenSSL reports it through Asio.
bool is_verify_failure(const error_code& ec) {
    return ec.category() == boost::asio::error::get_ssl_category() &&
           ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
               SSL_R_CERTIFICATE_VERIFY_FAILED;
}

} // namespace

// Each refusal is a verification failure, tried once under the default retry
// policy (a certificate does not mend), and nothing reaches the server.
class TlsRefusalTest : public ClientTest {
  protected:
    void expect_refused() {
        auto c = make_client();
        int attempts = 0;
        c->set_observer({.on_request = [&](const request_event&) { ++attempts; }});
        auto [ec, t] = complete<task>(
            [&](auto h) { c->async_submit(pipeline{}.summarize(), text_input{sample_text}, h); });
        EXPECT_TRUE(is_verify_failure(ec)) << ec.message();
        EXPECT_EQ(attempts, 1);
        EXPECT_EQ(server_stats().at("submits"), 0);
    }
};

TEST_F(TlsRefusalTest, AWrongHostName) {
    start_tls_server();
    opts.tls.ca_file = ONEAI_TEST_CERT;
    opts.tls.server_name = "api.example.org"; // not in the certificate
    expect_refused();
}

TEST_F(TlsRefusalTest, AnUntrustedCertificate) {
    start_tls_server(); // the system's CAs do not know the test certificate
    expect_refused();
}

TEST_F(TlsRefusalTest, AnExplicitCaFileThatDoesNotSignTheServer) {
    start_tls_server();
    opts.tls.ca_file = ONEAI_OTHER_CERT; // a CA, just not the one that signed the server
    expect_refused();
}

namespace {

// A TLS server for one handshake, which records the name the client sent in
// SNI (empty when it sent none), then closes the connection.
class sni_recorder {
  public:
    sni_recorder() {
        tls_.use_certificate_chain_file(ONEAI_TEST_CERT);
        tls_.use_private_key_file(ONEAI_TEST_KEY, asio::ssl::context::pem);
        thread_ = std::thread([this] {
            asio::ip::tcp::socket socket = acceptor_.accept();
            asio::ssl::stream<asio::ip::tcp::socket&> stream(socket, tls_);
            error_code ec;
            stream.handshake(asio::ssl::stream_base::server, ec);
            const char* name =
                SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
            std::lock_guard lock(mutex_);
            handshake_ = ec;
            name_ = name ? name : "";
        });
    }
    ~sni_recorder() { thread_.join(); }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::pair<error_code, std::string> seen() {
        thread_.join();
        thread_ = std::thread([] {});
        std::lock_guard lock(mutex_);
        return {handshake_, name_};
    }

  private:
    asio::io_context io_;
    asio::ssl::context tls_{asio::ssl::context::tls_server};
    asio::ip::tcp::acceptor acceptor_{io_, {asio::ip::make_address("127.0.0.1"), 0}};
    std::mutex mutex_;
    error_code handshake_;
    std::string name_;
    std::thread thread_;
};

} // namespace

TEST_F(ClientTest, SniNamesTheHostButNeverAnAddress) {
    for (const std::string host : {"localhost", "127.0.0.1"}) {
        sni_recorder server;
        opts.base_url = "https://" + host + ":" + std::to_string(server.port());
        opts.tls.ca_file = ONEAI_TEST_CERT; // its names: localhost and 127.0.0.1
        opts.retries.max_attempts = 1;
        auto c = make_client();
        auto [ec, s] = complete<task_status>(
            [&](auto h) { c->async_status(task("0b9a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"), h); });
        EXPECT_TRUE(ec); // the server closes after the handshake
        auto [handshake, name] = server.seen();
        EXPECT_FALSE(handshake) << host << ": " << handshake.message();
        EXPECT_EQ(name, host == "localhost" ? "localhost" : "") << host;
    }
}

TEST_F(ClientTest, TenThousandConcurrentRunsOnOneThread) {
    server_cfg.workers = 0;
    server_cfg.latency = emulator::latency_model::fixed(200ms);
    start_server();
    opts.polling = poll_policy::scheduled(backoff::decorrelated_jitter(100ms, 1s));
    opts.polling.initial_delay = 200ms;
    auto c = make_client();
    constexpr int runs = 10'000;
    int ok = 0, failed = 0;
    for (int i = 0; i < runs; ++i)
        c->async_run(pipeline{}.keywords(),
                     text_input{"Document number " + std::to_string(i) + " is short."},
                     [&](error_code ec, result r) {
                         if (!ec && !r.labels_of("keywords").empty())
                             ++ok;
                         else
                             ++failed;
                     });
    io.run();
    EXPECT_EQ(ok, runs);
    EXPECT_EQ(failed, 0);
    EXPECT_EQ(server_stats().at("submits"), runs);
    EXPECT_EQ(server_stats().at("duplicate_submits"), 0);
    EXPECT_LE(c->counters().connections_opened, opts.max_connections_per_host);
}
