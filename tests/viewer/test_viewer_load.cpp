// The server holds: slow clients, too many connections, oversized and chunked bodies and too much
// work are refused or cut, while ordinary requests are answered. Each test runs its own server with
// small limits on the 250 m Drenthe store and talks to it over loopback sockets. Waits are bounded
// generously (a slow machine only makes them longer); nothing here fails on time.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>

#include "viewer_fixture.hpp"

namespace casco {
namespace {

using namespace std::chrono_literals;

class ViewerLoad : public Viewer {};

// A raw client socket: sends what a test wants, however slowly, and reads what comes back.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    timeval tv{0, 200000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  // Whether all of `s` was sent (false once the server has closed or reset the connection).
  bool send(std::string_view s) {
    while (!s.empty()) {
      const ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      s.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // What the server sent within `wait`; `closed` tells whether it also closed the connection.
  std::string read(std::chrono::milliseconds wait, bool* closed = nullptr) {
    std::string got;
    const auto end = std::chrono::steady_clock::now() + wait;
    bool ended = false;
    while (std::chrono::steady_clock::now() < end && !ended) {
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0)
        got.append(buf, static_cast<std::size_t>(n));
      else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        ended = true;
    }
    if (closed) *closed = ended;
    return got;
  }

 private:
  int fd_;
  bool connected_ = false;
};

// A server of its own, with `o`'s limits, on the test store.
class OwnServer {
 public:
  OwnServer(viewer::ServerOptions o, const fs::path& store) {
    o.store = store;
    o.port = 0;
    server_ = std::make_unique<viewer::Server>(o);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~OwnServer() {
    server_->stop();
    thread_.join();
  }
  int port() const { return port_; }
  viewer::Server& server() { return *server_; }
  httplib::Result get(const std::string& path) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c.Get(path.c_str());
  }

 private:
  std::unique_ptr<viewer::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// Polls `done` every 50 ms for at most `limit`.
bool eventually(const std::function<bool()>& done, std::chrono::seconds limit = 30s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

TEST_F(ViewerLoad, SlowRequestHeadsAreCutAndOthersAreServed) {
  // | workers | head deadline | slow clients (one byte per 100 ms) | then            |
  // | 2       | 0.5 s         | 4                                  | /api/kinds: 200 |
  viewer::ServerOptions o;
  o.workers = 2;
  o.head_seconds = 0.5;
  OwnServer s(o, *dir_ / "d.gpkg");
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(std::make_unique<RawClient>(s.port()));
    ASSERT_TRUE(slow.back()->connected());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> still_sending{4};
  std::thread dribble([&] {
    std::vector<bool> open(slow.size(), true);
    const std::string head = "GET /api/model HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    for (std::size_t at = 0; !stop && still_sending > 0; ++at) {
      for (std::size_t i = 0; i < slow.size(); ++i)
        if (open[i] && !slow[i]->send(std::string(1, head[std::min(at, head.size() - 1)]))) {
          open[i] = false;
          --still_sending;
        }
      std::this_thread::sleep_for(100ms);
    }
  });
  auto kinds = s.get("/api/kinds");
  ASSERT_TRUE(kinds);
  EXPECT_EQ(kinds->status, 200);
  // Every slow client is closed by the server: sending fails once the reset arrives.
  EXPECT_TRUE(eventually([&] { return still_sending == 0; })) << still_sending << " still open";
  stop = true;
  dribble.join();
  EXPECT_GE(s.server().counts().cut, 4u);
}

TEST_F(ViewerLoad, ConnectionsBeyondTheLimitAre503AtOnce) {
  // | workers | open at most | idle connections | the next one                 |
  // | 1       | 3            | 3                | 503, Retry-After, and closed |
  viewer::ServerOptions o;
  o.workers = 1;
  o.max_connections = 3;
  o.head_seconds = 20;
  OwnServer s(o, *dir_ / "d.gpkg");
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(std::make_unique<RawClient>(s.port()));
  RawClient extra(s.port());
  ASSERT_TRUE(extra.connected());
  ASSERT_TRUE(extra.send("GET /api/kinds HTTP/1.1\r\nHost: x\r\n\r\n"));
  bool closed = false;
  const std::string answer = extra.read(20s, &closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
  EXPECT_NE(answer.find("Retry-After: 2"), std::string::npos);
  EXPECT_NE(answer.find("De server is bezet"), std::string::npos);
  EXPECT_TRUE(closed);
  EXPECT_EQ(s.server().counts().refused, 1u);
  // Once the idle ones go, the server answers again.
  idle.clear();
  EXPECT_TRUE(eventually([&] {
    auto r = s.get("/api/kinds");
    return r && r->status == 200;
  }));
}

// Sends a chunked POST of up to `total` bytes in 64 kB chunks; returns the bytes the server
// accepted before it stopped reading, and what it answered.
std::pair<std::size_t, std::string> chunked_post(int port, const std::string& path,
                                                 std::size_t total) {
  RawClient c(port);
  std::size_t sent = 0;
  if (!c.send("POST " + path +
              " HTTP/1.1\r\nHost: x\r\nContent-Type: application/geo+json\r\n"
              "Transfer-Encoding: chunked\r\n\r\n"))
    return {0, ""};
  const std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
  for (int stalls = 0; sent < total && stalls < 25;) {
    if (c.send(chunk)) {
      sent += 0x10000;
      stalls = 0;
    } else {
      ++stalls;  // the send buffer is full (200 ms): the server is not reading, or has closed
    }
  }
  return {sent, c.read(5s)};
}

TEST_F(ViewerLoad, AChunkedBodyBeyondTheLimitIsNotRead) {
  // | body limit | sent (chunked) | server reads        | answer      |
  // | 1 MB       | up to 256 MB   | a few MB at most    | 413, or cut |
  viewer::ServerOptions o;
  o.rules = fs::path(CASCO_DATA_DIR) / "rules.toml";
  o.max_body_bytes = 1u << 20;
  OwnServer s(o, *dir_ / "d.gpkg");
  const auto [sent, answer] = chunked_post(s.port(), "/api/assess?kind=woningbouw", 256u << 20);
  EXPECT_LT(sent, 48u << 20) << "the server kept reading";
  if (!answer.empty()) {  // (the answer may be lost when the server resets the connection)
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 200);
    EXPECT_NE(answer.find("te groot"), std::string::npos);
  }
  // A chunked body to an address that takes none is refused before it is read.
  const auto [sent2, answer2] = chunked_post(s.port(), "/api/model", 256u << 20);
  EXPECT_LT(sent2, 48u << 20);
  if (!answer2.empty()) {
    EXPECT_EQ(answer2.rfind("HTTP/1.1 405", 0), 0u) << answer2;
  }
  auto kinds = s.get("/api/kinds");
  ASSERT_TRUE(kinds);
  EXPECT_EQ(kinds->status, 200);
}

TEST_F(ViewerLoad, OrdinaryRequestsAreAnsweredDuringAnAttack) {
  // | workers | head deadline | body limit | at once                                        |
  // | 4       | 1 s           | 1 MB       | 3 slow clients, 2 chunked bodies of 256 MB    |
  // Meanwhile 40 ordinary requests are all answered (their times are printed, not judged).
  viewer::ServerOptions o;
  o.rules = fs::path(CASCO_DATA_DIR) / "rules.toml";
  o.workers = 4;
  o.head_seconds = 1;
  o.max_body_bytes = 1u << 20;
  OwnServer s(o, *dir_ / "d.gpkg");
  std::atomic<bool> stop{false};
  std::vector<std::thread> attackers;
  for (int i = 0; i < 3; ++i)
    attackers.emplace_back([&] {
      while (!stop) {  // a new slow client each time the server cuts one
        RawClient c(s.port());
        const std::string head = "GET /api/model HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        for (std::size_t at = 0;
             !stop && c.send(std::string(1, head[std::min(at, head.size() - 1)])); ++at)
          std::this_thread::sleep_for(100ms);
      }
    });
  for (int i = 0; i < 2; ++i)
    attackers.emplace_back([&] {
      while (!stop) chunked_post(s.port(), "/api/assess?kind=woningbouw", 256u << 20);
    });
  std::this_thread::sleep_for(300ms);  // the attack is under way
  int answered = 0;
  double slowest = 0;
  for (int i = 0; i < 40; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = s.get(i % 2 ? "/api/kinds" : "/api/model");
    slowest = std::max(
        slowest, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    answered += r && r->status == 200;
  }
  stop = true;
  for (auto& t : attackers) t.join();
  EXPECT_EQ(answered, 40);
  std::printf("40 ordinary requests during the attack: slowest %.3f s; connections cut %zu\n",
              slowest, s.server().counts().cut);
}

TEST_F(ViewerLoad, AssessmentWorkHasALimit) {
  // | plan                         | cell checks (250 m grid, woningbouw rules) | answer |
  // | 1 km square near Assen       | about 16 per rule                         | 200    |
  // | 80 km square over Drenthe    | about 100,000 per rule                    | 413    |
  viewer::ServerOptions o;
  o.rules = fs::path(CASCO_DATA_DIR) / "rules.toml";
  o.max_cell_checks = 50000;
  OwnServer s(o, *dir_ / "d.gpkg");
  httplib::Client c("127.0.0.1", s.port());
  c.set_read_timeout(60, 0);
  auto small = c.Post("/api/assess?kind=woningbouw", lonlat_square(6.56, 52.99, 0.004),
                      "application/geo+json");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200) << small->body;
  auto large =
      c.Post("/api/assess?kind=woningbouw", lonlat_square(6.6, 52.85, 0.6), "application/geo+json");
  ASSERT_TRUE(large);
  EXPECT_EQ(large->status, 413);
  const json j = json::parse(large->body);
  EXPECT_NE(j["fout"].get<std::string>().find("km²: te groot om hier te toetsen"),
            std::string::npos)
      << j.dump();
}

TEST_F(ViewerLoad, OnlyTheAssessmentTakesABody) {
  for (const char* method : {"PUT", "DELETE", "PATCH"}) {
    RawClient c(port_);
    ASSERT_TRUE(c.send(std::string(method) +
                       " /api/model HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const std::string answer = c.read(10s);
    EXPECT_EQ(answer.rfind("HTTP/1.1 405", 0), 0u) << method << ": " << answer.substr(0, 80);
  }
}

}  // namespace
}  // namespace casco
