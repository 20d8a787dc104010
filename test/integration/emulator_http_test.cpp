// HTTP-level behaviour: bad requests never crash the server and always get a
// JSON error; keep-alive, 100-continue and TLS work.

#include "../support/emulator_fixture.hpp"

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
