#include "web/server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace purr::web {
namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(const Serve& serve) : serve_(serve) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    std::optional<Request> r = ReadRequest(request, kMaxRequestBody);
    Response out;
    const bool head = r && r->method == "HEAD";
    if (!r) {
      out.status = 413;
      out.body = "{\"error\":\"the request body is larger than 1 MB\"}";
    } else {
      if (head) r->method = "GET";  // HEAD is GET without the body
      out = serve_(*r);
    }
    WriteResponse(out, response, head);
  }

 private:
  const Serve& serve_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Serve serve) : serve_(std::move(serve)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(serve_);
  }

 private:
  Serve serve_;
};

}  // namespace

std::unique_ptr<Poco::Net::HTTPServer> StartServer(const std::string& address, Serve serve,
                                                   int threads, int* port) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(address), 64);
  if (port) *port = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(threads);
  params->setMaxQueued(256);
  auto server = std::make_unique<Poco::Net::HTTPServer>(new Factory(std::move(serve)), socket, params);
  server->start();
  return server;
}

}  // namespace purr::web
