#pragma once
// The guard over the viewer server's connections. cpp-httplib (Debian's 0.11) serves each
// connection on a worker thread and times out only single reads: a client that sends its request
// one byte at a time, or a request line without end, holds a worker (and memory) for as long as
// it likes, and connections beyond the workers wait without bound. The guard is the server's task
// queue (httplib::Server::new_task_queue):
//  - at most `workers` connections are served at once and at most `max_connections` are open;
//    a connection beyond that is answered 503 at once, without reading it, and closed;
//  - a connection that has not sent a complete request head within `head_deadline` of its start
//    (or of its previous answer, when kept alive), or has sent more than `head_bytes` meanwhile,
//    is closed.
// The server tells the guard where a connection is, on the thread that serves it: request_started()
// when a request head has arrived (pre-routing), request_finished() when its answer is sent
// (logger). Linux only (sockets.hpp).
#include <httplib.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace casco::viewer {

struct GuardLimits {
  std::size_t workers = 16;
  std::size_t max_connections = 128;
  std::chrono::milliseconds head_deadline{10000};
  std::uint64_t head_bytes = 4u << 20;
};

// What the guard did, for the server's log and the tests.
struct GuardCounts {
  std::atomic<std::size_t> served{0}, refused{0}, cut{0}, untracked{0};
};

class ConnectionGuard final : public httplib::TaskQueue {
 public:
  // `port`: the server's port, by which its connections are found.
  ConnectionGuard(GuardLimits limits, int port, std::shared_ptr<GuardCounts> counts);
  ~ConnectionGuard() override;
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  static void request_started();
  static void request_finished();

 private:
  struct Connection;
  struct Job {
    std::function<void()> serve;
    std::shared_ptr<Connection> connection;  // null: found no socket for it (served unguarded)
  };
  void work();
  void watch();
  void cut_overdue(std::chrono::steady_clock::time_point now);
  void close_refused(std::chrono::steady_clock::time_point now, bool all);
  static thread_local Connection* current_;

  GuardLimits limits_;
  int port_;
  std::shared_ptr<GuardCounts> counts_;
  std::mutex mutex_;
  std::condition_variable wake_, watch_wake_;
  std::deque<Job> jobs_;
  std::map<ino_t, std::shared_ptr<Connection>> open_;
  std::set<ino_t> unguarded_;  // sockets served without a guard (ambiguous at accept)
  struct Refused {
    int fd;
    ino_t inode;
    std::chrono::steady_clock::time_point at;
  };
  std::vector<Refused> refused_;  // answered 503; closed once the client has read it
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::thread watchdog_;
};

}  // namespace casco::viewer
