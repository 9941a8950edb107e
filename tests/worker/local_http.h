// A free local port, requests against a daemon on 127.0.0.1 and a webhook receiver, for the
// tests that start `purr run` with an HTTP port (daemon_test, privacy_test; both link
// Poco::Net).
#ifndef PURR_TESTS_WORKER_LOCAL_HTTP_H_
#define PURR_TESTS_WORKER_LOCAL_HTTP_H_

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace purr::testing {

// A port that was free a moment ago (bound and released).
inline int FreePort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

// GET http://127.0.0.1:port/path: the body, and the status in *status.
inline std::string HttpGet(int port, const std::string& path, int* status) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  *status = response.getStatus();
  return body;
}

// Any request to 127.0.0.1:port: method, path, body, extra headers. The reply's status, body
// and headers.
struct HttpReply {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "";
  }
};

inline HttpReply HttpCall(int port, const std::string& method, const std::string& path,
                          const std::string& body = "",
                          const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) request.set(k, v);
  if (!body.empty() || method == Poco::Net::HTTPRequest::HTTP_POST) {
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  HttpReply reply;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), reply.body);
  reply.status = response.getStatus();
  for (const auto& [k, v] : response) reply.headers.emplace_back(k, v);
  return reply;
}

// A webhook receiver on 127.0.0.1 that answers 200 and keeps every request's headers and
// body.
class RecordingReceiver {
 public:
  struct Request {
    std::string headers;  // "Name: value" lines
    std::string body;
  };

  RecordingReceiver()
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        server_(new Factory(this), socket_, new Poco::Net::HTTPServerParams) {
    server_.start();
  }
  ~RecordingReceiver() { server_.stop(); }
  int port() const { return socket_.address().port(); }
  std::vector<Request> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(RecordingReceiver* owner) : owner_(owner) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      Request r;
      r.headers = request.getMethod() + " " + request.getURI() + "\n";
      for (const auto& [k, v] : request) r.headers += k + ": " + v + "\n";
      Poco::StreamCopier::copyToString(request.stream(), r.body);
      {
        std::lock_guard<std::mutex> lock(owner_->mu_);
        owner_->requests_.push_back(std::move(r));
      }
      response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
      response.send() << "ok";
    }

   private:
    RecordingReceiver* owner_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(RecordingReceiver* owner) : owner_(owner) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(owner_);
    }

   private:
    RecordingReceiver* owner_;
  };

  std::mutex mu_;
  std::vector<Request> requests_;
  Poco::Net::ServerSocket socket_;
  Poco::Net::HTTPServer server_;
};

}  // namespace purr::testing

#endif  // PURR_TESTS_WORKER_LOCAL_HTTP_H_
