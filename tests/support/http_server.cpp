// HttpServer — a tiny HTTP/1.1 server on 127.0.0.1 that download tests point nnlab at, misbehaving on request.
#include "tests/support/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace nnlab::testing {
namespace {

// MSG_NOSIGNAL: a client that hangs up early must not kill the test binary with SIGPIPE.
bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

std::string header_value(const std::string& head, std::string name) {
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    const size_t at = lower.find("\r\n" + name + ":");
    if (at == std::string::npos) return "";
    size_t start = at + name.size() + 3;
    while (start < head.size() && head[start] == ' ') ++start;
    return head.substr(start, head.find("\r\n", start) - start);
}

const char* reason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 206:
            return "Partial Content";
        case 404:
            return "Not Found";
        case 416:
            return "Range Not Satisfiable";
        case 500:
            return "Internal Server Error";
        default:
            return "Status";
    }
}

}  // namespace

HttpServer::HttpServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0) throw std::runtime_error("HttpServer: cannot create a socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;  // the kernel picks a free port
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(listener_);
        throw std::runtime_error("HttpServer: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
}

HttpServer::~HttpServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
}

std::string HttpServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

// Two overloads rather than a default argument: GCC cannot use Behaviour's member initialisers
// inside HttpServer's own definition.
void HttpServer::serve(const std::string& path, std::string body) {
    serve(path, std::move(body), Behaviour{});
}

void HttpServer::serve(const std::string& path, std::string body, Behaviour behaviour) {
    std::lock_guard lock(mutex_);
    resources_[path] = {std::move(body), behaviour};
}

std::vector<HttpServer::Request> HttpServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

void HttpServer::run() {
    while (!stop_) {
        pollfd waiting{listener_, POLLIN, 0};
        if (::poll(&waiting, 1, 50) <= 0) continue;  // wake up regularly to notice stop_
        const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        const timeval limit{5, 0};
        ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
        answer(client);
        ::close(client);
    }
}

void HttpServer::answer(int client) {
    std::string head;
    char chunk[4096];
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
        const ssize_t n = ::recv(client, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        head.append(chunk, static_cast<size_t>(n));
    }
    const size_t path_start = head.find(' ') + 1;
    const std::string path = head.substr(path_start, head.find(' ', path_start) - path_start);
    const std::string range = header_value(head, "Range");
    Resource resource{"", {.status = 404}};
    {
        std::lock_guard lock(mutex_);
        requests_.push_back({path, range});
        if (auto found = resources_.find(path); found != resources_.end()) resource = found->second;
    }
    const std::string& body = resource.body;
    int status = resource.behaviour.status;
    size_t from = 0;
    std::string extra;
    if (status == 200 && range.rfind("bytes=", 0) == 0 && !resource.behaviour.ignore_range) {
        from = std::stoul(range.substr(6));  // only the "bytes=N-" form is used by clients under test
        if (from >= body.size()) {
            status = 416;
            extra = "Content-Range: bytes */" + std::to_string(body.size()) + "\r\n";
        } else {
            status = 206;
            extra = "Content-Range: bytes " + std::to_string(from) + "-" + std::to_string(body.size() - 1) + "/" +
                    std::to_string(body.size()) + "\r\n";
        }
    }
    // Real servers send a small page with a 416; clients must not mistake it for file content.
    std::string_view payload =
        status == 416 ? std::string_view("range not satisfiable\n") : std::string_view(body).substr(from);
    if (!resource.behaviour.location.empty()) extra += "Location: " + resource.behaviour.location + "\r\n";
    const std::string response_head = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
                                      "\r\nContent-Length: " + std::to_string(payload.size()) + "\r\n" + extra +
                                      "Connection: close\r\n\r\n";
    if (!send_all(client, response_head)) return;
    if (resource.behaviour.drop_after) payload = payload.substr(0, *resource.behaviour.drop_after);
    send_all(client, payload);
}

}  // namespace nnlab::testing
