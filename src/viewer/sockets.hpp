#pragma once
// What the connection guard (guard.hpp) asks the operating system about the server's sockets
// (Linux: /proc/self/fd, TCP_INFO). A socket is known by its inode, which, unlike its file
// descriptor number, is never handed to another socket while the server runs.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

namespace casco::viewer {

struct SocketId {
  int fd = -1;
  ino_t inode = 0;
};

// The connected TCP sockets of this process whose local port is `port`.
std::vector<SocketId> connected_sockets_on_port(int port);
// Whether `fd` is still the socket `inode` (not closed and reused for another).
bool is_socket(int fd, ino_t inode);
// Bytes the socket has received so far (TCP_INFO), or nothing when the system does not say.
std::optional<std::uint64_t> bytes_received(int fd);
// Sends `answer` without waiting (it fits the socket's buffer) and ends the sending side.
void answer_and_end(int fd, std::string_view answer);
// Whether the peer has closed its side: reads and drops whatever is waiting, without waiting.
bool peer_closed(int fd);

}  // namespace casco::viewer
