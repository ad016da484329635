#include "viewer/guard.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <string_view>

#include "viewer/sockets.hpp"

namespace casco::viewer {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kWatchInterval{20};
// A refused client has this long to read its 503 before the socket is closed.
constexpr std::chrono::seconds kRefusedLinger{2};

constexpr std::string_view kBusyBody =
    R"({"error":"the server is busy: too many open connections; try again in a moment",)"
    R"("fout":"De server is bezet: te veel open verbindingen. Probeer het zo opnieuw.",)"
    R"("status":503})";

std::string busy_answer() {
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
         "Retry-After: 2\r\nConnection: close\r\nContent-Length: " +
         std::to_string(kBusyBody.size()) + "\r\n\r\n" + std::string(kBusyBody);
}

}  // namespace

struct ConnectionGuard::Connection {
  SocketId socket;
  std::atomic<bool> serving{false};  // a worker has it (queued connections wait without limit)
  std::atomic<bool> busy{false};     // a request is being answered: no head deadline
  std::atomic<bool> cut{false};
  std::atomic<Clock::rep> since{0};  // the start of the wait for the next request head
  std::atomic<std::uint64_t> bytes_before{0};

  void wait_for_head() {
    busy = false;
    since = Clock::now().time_since_epoch().count();
    bytes_before = bytes_received(socket.fd).value_or(0);
  }
};

thread_local ConnectionGuard::Connection* ConnectionGuard::current_ = nullptr;

ConnectionGuard::ConnectionGuard(GuardLimits limits, int port, std::shared_ptr<GuardCounts> counts)
    : limits_(limits), port_(port), counts_(std::move(counts)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, limits_.workers); ++i)
    workers_.emplace_back([this] { work(); });
  watchdog_ = std::thread([this] { watch(); });
}

ConnectionGuard::~ConnectionGuard() {
  shutdown();
}

// On the listening thread, right after the connection was accepted: it is the one connected
// socket on the port the guard does not know yet.
void ConnectionGuard::enqueue(std::function<void()> fn) {
  const std::vector<SocketId> sockets = connected_sockets_on_port(port_);
  std::lock_guard lock(mutex_);
  std::set<ino_t> present;
  std::vector<SocketId> fresh;
  for (const SocketId& s : sockets) {
    present.insert(s.inode);
    bool known = open_.count(s.inode) || unguarded_.count(s.inode);
    for (const Refused& r : refused_) known = known || r.inode == s.inode;
    if (!known) fresh.push_back(s);
  }
  std::erase_if(unguarded_, [&](ino_t i) { return !present.count(i); });
  std::shared_ptr<Connection> c;
  if (fresh.size() == 1) {
    if (open_.size() >= limits_.max_connections) {
      // `fn` is dropped: it only holds the socket, which the guard answers and closes itself.
      ++counts_->refused;  // counted first: the client may ask for the counts once answered
      answer_and_end(fresh[0].fd, busy_answer());
      refused_.push_back({fresh[0].fd, fresh[0].inode, Clock::now()});
      return;
    }
    c = std::make_shared<Connection>();
    c->socket = fresh[0];
    open_[c->socket.inode] = c;
  } else {
    // Not one new socket (no /proc, or several at once): served, but without a guard.
    for (const SocketId& s : fresh) unguarded_.insert(s.inode);
    ++counts_->untracked;
  }
  jobs_.push_back({std::move(fn), std::move(c)});
  wake_.notify_one();
}

void ConnectionGuard::work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and every accepted connection served
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    if (job.connection) {
      job.connection->wait_for_head();
      job.connection->serving = true;
    }
    current_ = job.connection.get();
    try {
      job.serve();   // reads requests until the connection ends, then closes the socket
    } catch (...) {  // cpp-httplib answers handler exceptions itself; nothing else may end a worker
    }
    current_ = nullptr;
    if (job.connection) {
      std::lock_guard lock(mutex_);
      open_.erase(job.connection->socket.inode);
    }
    ++counts_->served;
  }
}

void ConnectionGuard::request_started() {
  if (current_) current_->busy = true;
}

void ConnectionGuard::request_finished() {
  if (current_) current_->wait_for_head();
}

void ConnectionGuard::watch() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    watch_wake_.wait_for(lock, kWatchInterval, [&] { return stopping_; });
    const auto now = Clock::now();
    cut_overdue(now);
    close_refused(now, false);
  }
  close_refused(Clock::now(), true);
}

// A connection waiting too long or too much for its request head is shut down: the worker's read
// fails at once and the worker is free. (The socket is checked by inode first; between that check
// and the shutdown a worker could close it and another connection take its number — a window of
// microseconds, at the moment the connection would have ended anyway.)
void ConnectionGuard::cut_overdue(std::chrono::steady_clock::time_point now) {
  for (auto& [inode, c] : open_) {
    if (!c->serving || c->busy || c->cut) continue;
    const Clock::time_point since{Clock::duration{c->since.load()}};
    bool over = now - since > limits_.head_deadline;
    if (!over)
      if (auto got = bytes_received(c->socket.fd))
        over = *got > c->bytes_before && *got - c->bytes_before > limits_.head_bytes;
    if (!over) continue;
    c->cut = true;
    ++counts_->cut;
    if (is_socket(c->socket.fd, inode)) ::shutdown(c->socket.fd, SHUT_RDWR);
  }
}

void ConnectionGuard::close_refused(std::chrono::steady_clock::time_point now, bool all) {
  std::erase_if(refused_, [&](const Refused& r) {
    if (!all && now - r.at < kRefusedLinger && !peer_closed(r.fd)) return false;
    ::close(r.fd);
    return true;
  });
}

void ConnectionGuard::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    // Connections still waiting for a request head end now.
    for (auto& [inode, c] : open_)
      if (c->serving && !c->busy && is_socket(c->socket.fd, inode))
        ::shutdown(c->socket.fd, SHUT_RDWR);
  }
  wake_.notify_all();
  watch_wake_.notify_all();
  for (auto& t : workers_) t.join();
  watchdog_.join();
}

}  // namespace casco::viewer
