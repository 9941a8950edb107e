// A free local port and a plain GET against a daemon on 127.0.0.1, for the tests that start
// `purr run` with an HTTP port (daemon_test, privacy_test; both link Poco::Net).
#ifndef PURR_TESTS_WORKER_LOCAL_HTTP_H_
#define PURR_TESTS_WORKER_LOCAL_HTTP_H_

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <string>

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

}  // namespace purr::testing

#endif  // PURR_TESTS_WORKER_LOCAL_HTTP_H_
