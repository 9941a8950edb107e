// A Poco HTTP server that answers every request with a function of web::Request. The daemon
// serves /health, /metrics and the review app with it; the tests start the same server.
#ifndef PURR_WEB_SERVER_H_
#define PURR_WEB_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "web/review.h"

namespace Poco::Net {
class HTTPServer;
}  // namespace Poco::Net

namespace purr::web {

using Serve = std::function<Response(const Request&)>;

// Bodies over this size get 413 unread.
inline constexpr size_t kMaxRequestBody = 1 << 20;

// Listens on `address` ("127.0.0.1:8080"; port 0 picks a free one) with `threads` request
// threads, and starts. `port` (when given) gets the port bound. Throws Poco::Exception when
// the address cannot be bound.
std::unique_ptr<Poco::Net::HTTPServer> StartServer(const std::string& address, Serve serve,
                                                   int threads, int* port = nullptr);

}  // namespace purr::web

#endif  // PURR_WEB_SERVER_H_
