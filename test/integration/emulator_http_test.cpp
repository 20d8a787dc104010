// HTTP-level behaviour: bad requests never crash the server and always get a
// JSON error; keep-alive, 100-continue and TLS work.

#include "../support/emulator_fixture.hpp"

#include <oneai/emulator/server.hpp>

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace oneai::test;
using namespace std::chrono_literals;

TEST_F(EmulatorTest, UnknownPathIs404AndWrongMethodIs405) {
    start();
    auto missing = call(get("/api/v1/everything"));
    EXPECT_EQ(missing.status, 404u);
    EXPECT_EQ(missing.json().at("status_code"), 40401);
    auto c = get("/api/v0/pipeline/async");
    c.method = "PUT";
    auto wrong = call(c);
    EXPECT_EQ(wrong.status, 405u);
    EXPECT_EQ(wrong.header("allow"), "POST");
    EXPECT_EQ(wrong.json().at("status_code"), 40500);
}

TEST_F(EmulatorTest, OversizedBodyIs413) {
    cfg.body_limit = 1024;
    start();
    auto answer = call(post_json("/api/v0/pipeline/async", std::string(4096, 'x')));
    EXPECT_EQ(answer.status, 413u);
    EXPECT_EQ(answer.json().at("status_code"), 41300);
    EXPECT_EQ(call(post_json("/api/v0/pipeline/async", simple_body)).status, 200u); // still serving
}

TEST_F(EmulatorTest, OversizedHeadersAre431) {
    cfg.header_limit = 1024;
    start();
    auto c = get("/api/v0/pipeline/async/tasks/x");
    c.headers["x-padding"] = std::string(4096, 'p');
    auto answer = call(c);
    EXPECT_EQ(answer.status, 431u);
    EXPECT_EQ(answer.json().at("status_code"), 43100);
}

TEST_F(EmulatorTest, MalformedHttpGets400AndTheServerLivesOn) {
    start();
    std::string answer = send_raw(port(), "THIS IS NOT HTTP\r\n\r\n");
    EXPECT_NE(answer.find("400"), std::string::npos);
    EXPECT_NE(answer.find("40000"), std::string::npos);
    send_raw(port(), "POST /api/v0/pipeline HTTP/1.1\r\nContent-Length: nope\r\n\r\n");
    send_raw(port(), std::string(100, '\0'));
    EXPECT_EQ(call(post_json("/api/v0/pipeline/async", simple_body)).status, 200u);
}

TEST_F(EmulatorTest, KeepAliveServesManyRequestsOnOneConnection) {
    start();
    keep_alive_connection connection(port());
    for (int i = 0; i < 20; ++i)
        ASSERT_EQ(connection.send(post_json("/api/v0/pipeline/async", simple_body)).status, 200u);
    EXPECT_EQ(stats().at("submits"), 20);
}

TEST_F(EmulatorTest, ExpectContinueIsHonoured) {
    start();
    std::string body = simple_body;
    std::string raw = "POST /api/v0/pipeline/async HTTP/1.1\r\nHost: x\r\napi-key: "
                      "k\r\nContent-Type: application/json\r\n"
                      "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body;
    std::string answer = send_raw(port(), raw);
    EXPECT_EQ(answer.rfind("HTTP/1.1 100 Continue", 0), 0u);
    EXPECT_NE(answer.find("HTTP/1.1 200 OK"), std::string::npos);
}

TEST_F(EmulatorTest, ServesHttpsWithTheConfiguredCertificate) {
    cfg.tls_cert_file = ONEAI_TEST_CERT;
    cfg.tls_key_file = ONEAI_TEST_KEY;
    start();
    EXPECT_EQ(server->base_url().rfind("https://", 0), 0u);
    auto answer = send_tls(port(), post_json("/api/v0/pipeline", simple_body), ONEAI_TEST_CERT);
    ASSERT_EQ(answer.status, 200u) << answer.body;
    EXPECT_EQ(answer.json().at("status"), "success");
    // Plain HTTP to the TLS port gets no HTTP answer.
    EXPECT_EQ(
        send_raw(port(), "GET /emulator/stats HTTP/1.1\r\nHost: x\r\n\r\n").find("HTTP/1.1 200"),
        std::string::npos);
}

TEST_F(EmulatorTest, ManyConcurrentSyncRunsAllFinish) {
    cfg.workers = 4;
    start();
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int i = 0; i < 16; ++i)
        clients.emplace_back([&, i] {
            auto body = R"({"input":"Text number )" + std::to_string(i) +
                        R"( is here.","steps":[{"skill":"keywords"}]})";
            if (send(port(), post_json("/api/v0/pipeline", body)).status == 200)
                ++ok;
        });
    for (auto& t : clients)
        t.join();
    EXPECT_EQ(ok.load(), 16);
    EXPECT_EQ(stats().at("tasks").at("stored"), 0); // answered sync runs are forgotten
}

TEST_F(EmulatorTest, BytesThatAreNotUtf8InThePathStillGetValidJson) {
    start();
    for (const char* target : {"/api/v0/pipeline/async/tasks/%FF%FE", "/api/%C3%28/x"}) {
        auto answer = call(get(target));
        EXPECT_EQ(answer.status, 404u) << target;
        // json() parses strictly: a stray byte would throw
        EXPECT_NO_THROW(answer.json()) << target << ": " << answer.body;
    }
}

TEST_F(EmulatorTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
    cfg.max_connections = 2;
    start();
    keep_alive_connection first(port()), second(port());
    // An answer on each proves the server has counted both.
    ASSERT_EQ(first.send(get("/emulator/stats")).status, 200u);
    ASSERT_EQ(second.send(get("/emulator/stats")).status, 200u);
    EXPECT_THROW(call(get("/emulator/stats")), boost::system::system_error);
    EXPECT_EQ(stats().at("rejected_connections"), 1);
    EXPECT_EQ(first.send(get("/emulator/stats")).status, 200u); // the others go on
}

// Out of file descriptors, accept() fails at once for as long as a connection
// waits: a server that accepts again straight away spins a core. Stepping the
// io_context by hand counts the attempts without any clock in the assertion.
TEST(EmulatorAcceptTest, OutOfDescriptorsBacksOffAndRecovers) {
    namespace asio = boost::asio;
    asio::io_context io{1};
    oneai::emulator::config c;
    c.port = 0;
    oneai::emulator::server srv(io, c);
    const std::uint16_t port = srv.start();
    // One turn of the loop while descriptors are plentiful: UBSan checks the
    // reactor's type on its first call, and that check needs a pipe of its own.
    io.poll();
    asio::ip::tcp::socket client(io);
    client.connect({asio::ip::make_address("127.0.0.1"), port}); // waits in the backlog

    rlimit saved{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
    const int spare = ::open("/dev/null", O_RDONLY);
    ASSERT_GE(spare, 0);
    rlimit low = saved;
    low.rlim_cur = std::min<rlim_t>(saved.rlim_cur, 256);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    std::vector<int> fillers;
    for (int fd; (fd = ::dup(spare)) >= 0;)
        fillers.push_back(fd);

    for (int i = 0; i < 1000; ++i)
        io.poll_one();
    const auto failures =
        boost::json::parse(srv.stats_json()).at("accept_failures").to_number<int>();

    for (int fd : fillers)
        ::close(fd);
    ::close(spare);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
    EXPECT_GE(failures, 1);
    // Spinning makes hundreds of attempts in 1000 steps; a back-off makes one,
    // or a few should the machine stall for longer than the pause.
    EXPECT_LE(failures, 5);

    // With descriptors back, the waiting connection is served.
    const std::string request =
        "GET /emulator/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    asio::write(client, asio::buffer(request));
    std::thread server_thread([&] { io.run(); });
    asio::streambuf answer;
    boost::system::error_code ec;
    asio::read(client, answer, ec); // until the server closes the connection
    asio::post(io, [&] {
        srv.stop();
        io.stop();
    });
    server_thread.join();
    std::string text(asio::buffers_begin(answer.data()), asio::buffers_end(answer.data()));
    EXPECT_EQ(text.rfind("HTTP/1.1 200", 0), 0u) << text;
}
