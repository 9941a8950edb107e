// What the store costs a daemon per job, and whether several daemons on one PostgreSQL
// scale: N jobs are enqueued, then P processes (each its own Store, as P daemons on P hosts
// would be) claim them one by one and record each as the pipeline records a letter (the
// letter with a 2 KB page and its full-text entry, three audit entries, a follow-up for
// every third, the job finished, all in one transaction), until none is left.
//
//   bench/store/run_bench_store.sh build [--jobs 2000] [--rounds 3]
//       [--configs sqlite1,pg1,pg2,pg3] [--dir /tmp] [--ocr-cpu-s 1.44]
//   (or bench_store_claim --pg-admin URL ... against a server of your own)
//
// Configurations run interleaved (sqlite1 pg1 pg2 pg3 sqlite1 ...), each on a fresh store.
// Figures per run: jobs per second (wall), the client processes' CPU per job (getrusage of
// the children), the PostgreSQL server's CPU per job (its postmaster's own and reaped
// children's time in /proc, plus its live children's), and the mean wall time of one claim
// and of one record. The summary prints medians (min-max) and the store's CPU per job as a
// share of the OCR CPU per page (--ocr-cpu-s: 1.44 s, purr's median on the mixed set,
// docs/ocr.md). Every run checks that each job was done exactly once.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <vector>

#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using purr::store::Store;
using purr::store::Txn;

struct Options {
  std::string pg_admin;
  int jobs = 2000;
  int rounds = 3;
  std::vector<std::string> configs = {"sqlite1", "pg1", "pg2", "pg3"};
  fs::path dir = fs::temp_directory_path();
  double ocr_cpu_s = 1.44;
};

struct Run {
  double wall_s = 0;
  double client_cpu_s = 0;
  double server_cpu_s = 0;
  double claim_s = 0;   // summed over every claim, all processes
  double record_s = 0;  // summed over every record
  int64_t jobs = 0;
};

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double ChildrenCpu() {
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

// Fields of /proc/PID/stat after the command name: state is field 3.
std::vector<std::string> StatFields(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  const size_t close = line.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 2));
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;  // fields[0] is state (field 3), so field k is fields[k - 3]
}

// The server's CPU seconds so far: the postmaster's own and its reaped children's, and the
// CPU of its children still running.
double ServerCpu(int postmaster) {
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  std::vector<std::string> f = StatFields(postmaster);
  if (f.size() < 14) return 0;
  double total = (std::stod(f[11]) + std::stod(f[12]) + std::stod(f[13]) + std::stod(f[14])) / tick;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    std::vector<std::string> c = StatFields(std::atoi(name.c_str()));
    if (c.size() > 12 && std::atoi(c[1].c_str()) == postmaster) {
      total += (std::stod(c[11]) + std::stod(c[12])) / tick;
    }
  }
  return total;
}

int Postmaster(const std::string& admin) {
  pqxx::connection conn(admin);
  pqxx::nontransaction txn(conn);
  const int backend = txn.exec("SELECT pg_backend_pid()")[0][0].as<int>();
  std::vector<std::string> f = StatFields(backend);
  return f.size() > 1 ? std::atoi(f[1].c_str()) : 0;
}

std::string WithDatabase(const std::string& url, const std::string& database) {
  const size_t authority = url.find("://") + 3;
  const size_t slash = url.find('/', authority);
  const size_t query = url.find('?', authority);
  const std::string head =
      url.substr(0, slash == std::string::npos ? std::min(query, url.size()) : slash);
  return head + "/" + database + (query == std::string::npos ? "" : url.substr(query));
}

std::unique_ptr<Store> MustOpen(const std::string& path) {
  purr::store::StoreOptions o;
  o.path = path;
  o.busy_timeout_ms = 30000;
  purr::Result<std::unique_ptr<Store>> s = purr::store::OpenStore(o);
  if (!s.ok()) {
    std::cerr << "bench_store_claim: " << s.status().message() << "\n";
    std::exit(1);
  }
  return std::move(*s);
}

// One claiming process: claims and records until no job is left; writes its counts to fd.
[[noreturn]] void Claimer(const std::string& path, int index, int fd) {
  std::unique_ptr<Store> store = MustOpen(path);
  std::string text = "Jeg bestrider kravet fra dere i sin helhet. ";
  while (text.size() < 2000) text += "Saken gjelder faktura 123456 og jeg ber om dokumentasjon. ";
  Run r;
  int failures = 0;
  const std::string owner = "bench:" + std::to_string(getpid()) + ":" + std::to_string(index);
  while (true) {
    auto t0 = std::chrono::steady_clock::now();
    purr::Result<std::optional<purr::store::Job>> job = store->ClaimJob("letter", owner, 600000);
    auto t1 = std::chrono::steady_clock::now();
    r.claim_s += Seconds(t1 - t0);
    if (!job.ok()) {
      if (++failures > 100) break;
      continue;
    }
    if (!*job) break;
    const int64_t id = (*job)->id;
    purr::Status s = store->Transact([&](Txn& t) {
      purr::store::LetterRecord l;
      l.sha256 = "bench-" + std::to_string(id);
      l.file = "letter-" + std::to_string(id) + ".txt";
      l.source = "letters";
      l.received = "2026-12-07T10:00:00.000Z";
      l.kind = "text";
      l.language = "nb";
      l.classes = {"dispute"};
      l.legal = "halt";
      l.jurisdiction = "NO";
      l.needs_human = id % 3 == 0;
      l.classification_json = "{\"classes\":[{\"class\":\"dispute\",\"score\":0.93}]}";
      l.entities_json = "{}";
      l.status = "linked";
      l.pages.push_back({1, text, 91.5, "", "", 0, 0, 0});
      const int64_t letter = t.InsertLetter(l);
      purr::cases::AuditNote note;
      note.action = "classified";
      note.rule_id = "letter.classified";
      note.reason = "dispute";
      for (int i = 0; i < 3; ++i) t.Audit("purr/worker", "letter:" + std::to_string(letter), note);
      if (id % 3 == 0) {
        purr::cases::FollowUp f;
        f.kind = "letter";
        f.reasons = {"letter.legal-halt"};
        f.rule_id = "letter.legal-halt";
        f.priority = 1;
        t.AddFollowUp(f, letter, "");
      }
      t.FinishJob(id, "processed");
    });
    r.record_s += Seconds(std::chrono::steady_clock::now() - t1);
    if (!s.ok()) {
      std::cerr << "bench_store_claim: " << s.message() << "\n";
      (void)store->ReleaseJob(id, false);
      if (++failures > 100) break;
      continue;
    }
    ++r.jobs;
  }
  store.reset();
  if (write(fd, &r, sizeof(r)) != static_cast<ssize_t>(sizeof(r))) _exit(2);
  _exit(failures > 100 ? 1 : 0);
}

Run RunOnce(const Options& o, const std::string& config, int round, int postmaster) {
  const bool pg = config.rfind("pg", 0) == 0;
  const int processes = std::atoi(config.c_str() + (pg ? 2 : 6));
  std::string path;
  std::string database;
  if (pg) {
    database = "bench_claim_" + std::to_string(getpid()) + "_" + config + "_" + std::to_string(round);
    pqxx::connection conn(o.pg_admin);
    pqxx::nontransaction txn(conn);
    txn.exec("DROP DATABASE IF EXISTS " + database);
    txn.exec("CREATE DATABASE " + database);
    path = WithDatabase(o.pg_admin, database);
  } else {
    path = (o.dir / ("bench_claim_" + std::to_string(getpid()) + "_" + config + "_" +
                     std::to_string(round) + ".sqlite"))
               .string();
    fs::remove(path);
  }
  {
    std::unique_ptr<Store> store = MustOpen(path);
    for (int i = 0; i < o.jobs; ++i) {
      if (!store->EnqueueJob("letter", "/work/letter/" + std::to_string(i), "l.txt", "").ok()) {
        std::cerr << "bench_store_claim: cannot enqueue\n";
        std::exit(1);
      }
    }
  }
  int fds[2];
  if (pipe(fds) != 0) std::exit(1);
  const double cpu0 = ChildrenCpu();
  const double server0 = pg ? ServerCpu(postmaster) : 0;
  const auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> children;
  for (int i = 0; i < processes; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      Claimer(path, i, fds[1]);
    }
    children.push_back(pid);
  }
  close(fds[1]);
  Run total;
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::cerr << "bench_store_claim: a claiming process failed\n";
      std::exit(1);
    }
  }
  total.wall_s = Seconds(std::chrono::steady_clock::now() - start);
  for (int i = 0; i < processes; ++i) {
    Run r;
    if (read(fds[0], &r, sizeof(r)) != static_cast<ssize_t>(sizeof(r))) std::exit(1);
    total.jobs += r.jobs;
    total.claim_s += r.claim_s;
    total.record_s += r.record_s;
  }
  close(fds[0]);
  total.client_cpu_s = ChildrenCpu() - cpu0;
  if (pg) {
    // The backends of the claiming processes have exited and been reaped by now, or will be
    // in a moment: wait for their time to reach the postmaster's.
    usleep(300000);
    total.server_cpu_s = ServerCpu(postmaster) - server0;
  }
  // Exactly once: every job done, and by one process (the counts add up to the jobs).
  std::unique_ptr<Store> store = MustOpen(path);
  purr::Result<std::vector<purr::store::QueueCount>> counts = store->QueueCounts();
  if (!counts.ok() || counts->size() != 1 || (*counts)[0].state != "done" ||
      (*counts)[0].count != o.jobs || total.jobs != o.jobs) {
    std::cerr << "bench_store_claim: " << config << ": not every job done exactly once ("
              << total.jobs << " recorded of " << o.jobs << ")\n";
    std::exit(1);
  }
  store.reset();
  if (pg) {
    pqxx::connection conn(o.pg_admin);
    pqxx::nontransaction txn(conn);
    txn.exec("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  } else {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  }
  return total;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string Spread(const std::vector<double>& v, double scale, int precision) {
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%.*f (%.*f-%.*f)", precision, Median(v) * scale, precision,
                *std::min_element(v.begin(), v.end()) * scale, precision,
                *std::max_element(v.begin(), v.end()) * scale);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "bench_store_claim: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--pg-admin") {
      o.pg_admin = next();
    } else if (a == "--jobs") {
      o.jobs = std::atoi(next().c_str());
    } else if (a == "--rounds") {
      o.rounds = std::atoi(next().c_str());
    } else if (a == "--dir") {
      o.dir = next();
    } else if (a == "--ocr-cpu-s") {
      o.ocr_cpu_s = std::atof(next().c_str());
    } else if (a == "--configs") {
      o.configs.clear();
      std::stringstream list(next());
      for (std::string c; std::getline(list, c, ',');) o.configs.push_back(c);
    } else {
      std::cerr << "usage: bench_store_claim --pg-admin URL [--jobs N] [--rounds R] "
                   "[--configs sqlite1,pg1,pg2,pg3] [--dir DIR] [--ocr-cpu-s S]\n";
      return 2;
    }
  }
  bool any_pg = false;
  for (const std::string& c : o.configs) any_pg |= c.rfind("pg", 0) == 0;
  if (any_pg && o.pg_admin.empty()) {
    std::cerr << "bench_store_claim: --pg-admin URL is needed for the pg configurations\n";
    return 2;
  }
  const int postmaster = any_pg ? Postmaster(o.pg_admin) : 0;
  std::ifstream loadavg("/proc/loadavg");
  std::string load;
  std::getline(loadavg, load);
  std::cout << "bench_store_claim: " << o.jobs << " jobs a run, " << o.rounds
            << " rounds interleaved; load average at start " << load << "\n";
  std::map<std::string, std::vector<Run>> runs;
  for (int round = 0; round < o.rounds; ++round) {
    for (const std::string& config : o.configs) {
      Run r = RunOnce(o, config, round, postmaster);
      runs[config].push_back(r);
      std::printf("round %d %-8s %7.0f jobs/s  client %.2f ms/job  server %.2f ms/job  "
                  "claim %.2f ms  record %.2f ms\n",
                  round + 1, config.c_str(), r.jobs / r.wall_s, r.client_cpu_s * 1000 / r.jobs,
                  r.server_cpu_s * 1000 / r.jobs, r.claim_s * 1000 / r.jobs,
                  r.record_s * 1000 / r.jobs);
      std::fflush(stdout);
    }
  }
  std::getline(std::ifstream("/proc/loadavg") >> std::ws, load);
  std::cout << "\nmedian (min-max) over " << o.rounds << " rounds; load average at end " << load
            << "\n";
  std::printf("%-8s %-22s %-20s %-20s %-20s %-20s %s\n", "config", "jobs/s (wall)",
              "client CPU ms/job", "server CPU ms/job", "claim ms (wall)", "record ms (wall)",
              "store CPU / OCR CPU");
  for (const std::string& config : o.configs) {
    std::vector<double> rate, client, server, claim, record, share;
    for (const Run& r : runs[config]) {
      rate.push_back(r.jobs / r.wall_s);
      client.push_back(r.client_cpu_s / r.jobs);
      server.push_back(r.server_cpu_s / r.jobs);
      claim.push_back(r.claim_s / r.jobs);
      record.push_back(r.record_s / r.jobs);
      share.push_back((r.client_cpu_s + r.server_cpu_s) / r.jobs / o.ocr_cpu_s);
    }
    std::printf("%-8s %-22s %-20s %-20s %-20s %-20s %s%%\n", config.c_str(),
                Spread(rate, 1, 0).c_str(), Spread(client, 1000, 2).c_str(),
                Spread(server, 1000, 2).c_str(), Spread(claim, 1000, 2).c_str(),
                Spread(record, 1000, 2).c_str(), Spread(share, 100, 2).c_str());
  }
  return 0;
}
