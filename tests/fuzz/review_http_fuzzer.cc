// Fuzzes the review app's request handling: routing, percent-decoded path segments, query
// parameters, headers, JSON bodies and every handler behind them, on a real SQLite store
// seeded as the web tests seed it, as a signed-in admin or as nobody.
//
// Input: one flag byte (bit 0: send the admin's session cookie, bit 1: send its CSRF token,
// bits 2-4: the method), then "TARGET\n", header lines "name: value\n", an empty line, and
// the body. The request is built as web::ReadRequest builds it from Poco's parse.
// Invariants: a status from 100 to 599, never 500 (an input the app does not expect is the
// client's error, 4xx), never 2xx on the API without a session or on a write without the
// CSRF token.
#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "tests/web/web_test_util.h"

namespace {

using purr::web::Request;
using purr::web::Response;
using purr::web::testing::ReviewServer;
using purr::web::testing::Signed;

struct World {
  ReviewServer server;
  Signed admin;
  World() : admin(server.SignIn("admin", "admin-password-1")) {}
};

World& TheWorld() {
  static World* world = new World();  // lives as long as the fuzzing process
  return *world;
}

std::string_view NextLine(std::string_view* rest) {
  const size_t end = rest->find('\n');
  std::string_view line = rest->substr(0, end);
  rest->remove_prefix(end == std::string_view::npos ? rest->size() : end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 16 * 1024) return 0;
  World& world = TheWorld();
  static const char* const kMethods[] = {"GET", "POST", "PUT", "DELETE",
                                         "PATCH", "HEAD", "OPTIONS", "BREW"};
  const uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);

  Request r;
  r.method = kMethods[(flags >> 2) & 7];
  const std::string target(NextLine(&rest));
  r.path = target.substr(0, target.find_first_of("?#"));
  try {
    for (const auto& [k, v] : Poco::URI(target).getQueryParameters()) r.query[k] = v;
  } catch (const Poco::Exception&) {
    r.query.clear();
  }
  while (!rest.empty()) {
    std::string_view line = NextLine(&rest);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers[name] = std::string(value);
  }
  r.body = std::string(rest);
  const bool with_session = (flags & 1) != 0;
  const bool with_csrf = (flags & 2) != 0;
  if (with_session) r.headers["cookie"] = "purr_session=" + world.admin.cookie;
  if (with_csrf) r.headers["x-csrf-token"] = world.admin.csrf;

  const Response response = world.server.app().Handle(r);
  auto fail = [&](const char* why) {
    // Shown when a finding is run again (the campaign closes stderr).
    std::fprintf(stderr, "%s: %s %s -> %d %s\n", why, r.method.c_str(), target.c_str(),
                 response.status, response.body.substr(0, 300).c_str());
    std::abort();
  };
  if (response.status < 100 || response.status > 599 || response.status == 500) fail("status");
  const bool ok = response.status >= 200 && response.status < 300;
  const bool api = r.path.rfind("/api/v1/", 0) == 0;
  const bool signing_in = r.path == "/api/v1/session" && r.method == "POST";
  if (ok && api && !signing_in && r.headers.count("cookie") == 0) fail("2xx without a session");
  if (ok && !signing_in && r.method != "GET" && r.method != "HEAD" &&
      r.headers.count("x-csrf-token") == 0) {
    fail("2xx write without the CSRF token");
  }
  // Keep the admin signed in: a fuzzed sign-out or password change ends the session.
  if (with_session && response.status == 401) world.admin = world.server.SignIn("admin", "admin-password-1");
  return 0;
}
