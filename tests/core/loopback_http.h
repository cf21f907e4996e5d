// A tiny HTTP/1.1 server on 127.0.0.1 for the OpenAI-backend tests: it records
// every request (method, path, headers, body) and lets a handler write the raw
// response to the socket, so tests control status codes, SSE framing, chunk
// splits, stalls and abrupt closes. One thread per connection; responses end
// by closing the connection (no keep-alive).
//
//   LoopbackServer srv([](const CapturedRequest& rq, LoopbackServer::Conn& c) {
//       c.send(sse_head());
//       c.send("data: {...}\n\n");
//   });
//   ... "http://127.0.0.1:" + std::to_string(srv.port()) ...
//   srv.requests()[0].body
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace moecut::testing {

struct CapturedRequest {
    std::string method, path, headers, body;
};

inline std::string sse_head() {
    return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
}

class LoopbackServer {
public:
    struct Conn {
        int fd;
        const std::atomic<bool>* stopping;
        // False once the peer has gone (or the server is stopping).
        bool send(const std::string& bytes) {
            std::size_t off = 0;
            while (off < bytes.size()) {
                ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
                if (n <= 0) return false;
                off += static_cast<std::size_t>(n);
            }
            return !*stopping;
        }
        // Sleeps up to ms; false when the server is stopping or the peer closed.
        bool wait(int ms) {
            auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
            while (std::chrono::steady_clock::now() < end) {
                if (*stopping || peer_closed()) return false;
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            return !*stopping;
        }
        bool peer_closed() const {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 0) <= 0) return false;
            char c;
            return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
        }
    };
    using Handler = std::function<void(const CapturedRequest&, Conn&)>;

    explicit LoopbackServer(Handler handler) : handler_(std::move(handler)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0)
            throw std::runtime_error("loopback server: bind/listen failed");
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        accept_thread_ = std::thread([this] { accept_loop(); });
    }
    ~LoopbackServer() {
        stopping_ = true;
        ::shutdown(listen_fd_, SHUT_RDWR);
        ::close(listen_fd_);
        accept_thread_.join();
        for (auto& t : workers_) t.join();
    }
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<CapturedRequest> requests() const {
        std::lock_guard<std::mutex> lock(mu_);
        return requests_;
    }
    // Connections whose handler has returned.
    int closed_connections() const { return closed_; }

private:
    void accept_loop() {
        while (!stopping_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) continue;
            std::lock_guard<std::mutex> lock(mu_);
            workers_.emplace_back([this, fd] { serve(fd); });
        }
    }
    void serve(int fd) {
        CapturedRequest rq;
        if (read_request(fd, rq)) {
            {
                std::lock_guard<std::mutex> lock(mu_);
                requests_.push_back(rq);
            }
            Conn c{fd, &stopping_};
            handler_(rq, c);
        }
        ::shutdown(fd, SHUT_WR);
        ::close(fd);
        ++closed_;
    }
    static bool read_request(int fd, CapturedRequest& rq) {
        std::string buf;
        char chunk[4096];
        std::size_t head_end;
        while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
            ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return false;
            buf.append(chunk, static_cast<std::size_t>(n));
        }
        std::string head = buf.substr(0, head_end);
        std::size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
        rq.method = head.substr(0, sp1);
        rq.path = head.substr(sp1 + 1, sp2 - sp1 - 1);
        rq.headers = head.substr(head.find("\r\n") + 2);
        std::size_t length = 0;
        std::string lower = rq.headers;
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (auto pos = lower.find("content-length:"); pos != std::string::npos)
            length = std::stoul(lower.substr(pos + 15));
        rq.body = buf.substr(head_end + 4);
        while (rq.body.size() < length) {
            ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return false;
            rq.body.append(chunk, static_cast<std::size_t>(n));
        }
        return true;
    }

    Handler handler_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> closed_{0};
    std::thread accept_thread_;
    mutable std::mutex mu_;
    std::vector<std::thread> workers_;
    std::vector<CapturedRequest> requests_;
};

// A 127.0.0.1 port with nothing listening (bound, then released).
inline int unused_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

} // namespace moecut::testing
