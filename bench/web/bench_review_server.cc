// Serves a store's review queue the way the daemon does, for bench/web/bench_review.py:
//   bench_review_server --db PATH [--address 127.0.0.1:0] [--threads 8] [--readers 4]
//
// Opens the store (4 reader connections, as the daemon), loads the decision rules from
// rules/decisions/decisions.yaml of the source tree, starts ReviewApp behind StartServer
// (8 request threads, as the daemon), prints "port N" on stdout and serves until stdin
// closes or SIGTERM/SIGINT arrives. No worker runs beside it: the figures are the queue's
// reads alone.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPServer.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "cases/engine.h"
#include "store/store.h"
#include "web/review.h"
#include "web/server.h"

namespace {

int Usage() {
  std::cerr << "usage: bench_review_server --db PATH [--address 127.0.0.1:0] [--threads 8] "
               "[--readers 4]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, address = "127.0.0.1:0";
  int threads = 8, readers = 4;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    const std::string v = argv[++i];
    if (a == "--db") db = v;
    else if (a == "--address") address = v;
    else if (a == "--threads") threads = std::atoi(v.c_str());
    else if (a == "--readers") readers = std::atoi(v.c_str());
    else return Usage();
  }
  if (db.empty() || threads < 1 || readers < 1) return Usage();

  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // the main thread takes them with sigwait.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  purr::store::StoreOptions so;
  so.path = db;
  so.readers = readers;
  purr::Result<std::unique_ptr<purr::store::Store>> store = purr::store::OpenStore(so);
  if (!store.ok()) {
    std::cerr << "bench_review_server: " << store.status().message() << "\n";
    return 1;
  }
  std::ifstream in(std::string(PURR_SOURCE_DIR) + "/rules/decisions/decisions.yaml");
  std::stringstream yaml;
  yaml << in.rdbuf();
  purr::Result<purr::cases::DecisionRules> rules = purr::cases::ParseDecisionRules(yaml.str());
  if (!in || !rules.ok()) {
    std::cerr << "bench_review_server: decision rules: "
              << (rules.ok() ? std::string("cannot read the file") : rules.status().message())
              << "\n";
    return 1;
  }
  auto shared_rules = std::make_shared<const purr::cases::DecisionRules>(*rules);

  purr::web::ReviewOptions options;
  options.rules = [shared_rules] { return shared_rules; };
  options.model_version = [] { return std::string("model-bench"); };
  options.password_iterations = 1000;
  purr::web::ReviewApp app(**store, std::move(options));
  int port = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  try {
    server = purr::web::StartServer(
        address, [&app](const purr::web::Request& r) { return app.Handle(r); }, threads, &port);
  } catch (const Poco::Exception& e) {
    std::cerr << "bench_review_server: " << e.displayText() << "\n";
    return 1;
  }
  std::printf("port %d\n", port);
  std::fflush(stdout);

  // stdin closing (the benchmark ended or died) stops the server as SIGTERM does.
  std::thread watch([] {
    char buf[256];
    while (read(0, buf, sizeof(buf)) > 0) {
    }
    kill(getpid(), SIGTERM);
  });
  watch.detach();
  int sig = 0;
  sigwait(&stop, &sig);
  server->stopAll(true);
  server.reset();
  std::cerr << "bench_review_server: stopped (" << (sig == SIGINT ? "SIGINT" : "SIGTERM")
            << ")\n";
  return 0;
}
