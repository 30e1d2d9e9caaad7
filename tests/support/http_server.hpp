// HttpServer — a tiny HTTP/1.1 server on 127.0.0.1 that download tests point nnlab at, misbehaving on request.
#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace nnlab::testing {

class HttpServer {
public:
    struct Behaviour {
        int status = 200;                  // anything else is sent as is, with the body
        std::optional<size_t> drop_after;  // close the connection after this many body bytes
        bool ignore_range = false;         // answer a Range request with 200 and the whole file
        std::string location;              // sent as the Location header (for a 301/302 redirect)
    };
    struct Request {
        std::string path;
        std::string range;  // the Range header's value, empty when there was none
    };

    // Listens on an ephemeral port of 127.0.0.1 only. Serves one connection at a time, each for one
    // request; a client that stalls is cut off after a few seconds, so a broken test cannot hang.
    HttpServer();
    ~HttpServer();  // stops the thread and closes the socket
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    int port() const { return port_; }
    std::string url(const std::string& path = "/") const;  // "http://127.0.0.1:<port><path>"
    // Registers (or replaces) the answer for `path`; unknown paths get 404.
    void serve(const std::string& path, std::string body);
    void serve(const std::string& path, std::string body, Behaviour behaviour);
    std::vector<Request> requests() const;

private:
    struct Resource {
        std::string body;
        Behaviour behaviour;
    };
    void run();
    void answer(int client);

    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::map<std::string, Resource> resources_;
    std::vector<Request> requests_;
    std::thread thread_;
};

}  // namespace nnlab::testing
