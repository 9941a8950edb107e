// purr: back-office worker for Nordic creditors and debt-collection agencies.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string_view>

#include "worker/cli.h"
#include "worker/commands.h"

namespace {

constexpr purr::CommandSpec kCommands[] = {
    {"ocr", "read scanned letters (TIFF, PNG, JPEG, PNM, WebP, PDF) into text",
     purr::RunOcrCommand},
    {"payments", "read bank payment files (camt.053/054, Nets OCR giro, BgMax, CSV)",
     purr::RunPaymentsCommand},
    {"match", "match payments to open invoices (auto or follow-up, with reasons)",
     purr::RunMatchCommand},
    {"match-eval", "measure matching on a generated scenario with known truth",
     purr::RunMatchEvalCommand},
#ifdef PURR_HAVE_CLASSIFY
    {"classify", "classify debtors' letters (classes, legal halt, deadline, entities, reasons)",
     purr::RunClassifyCommand},
    {"train", "train the letter classification model from labelled letters",
     purr::RunTrainCommand},
    {"eval", "measure letter classification against labelled letters",
     purr::RunEvalCommand},
#endif
#ifdef PURR_HAVE_STORE
    {"run", "the worker daemon: inboxes to cases, reactivations and follow-ups",
     purr::RunRunCommand},
    {"invoices", "list the ledger in the store; 'invoices import' loads a ledger file",
     purr::RunInvoicesCommand},
    {"letters", "list the letters in the store", purr::RunLettersCommand},
    {"search", "find letters in the store by words, names, references in their text",
     purr::RunSearchCommand},
    {"allocations", "list recorded payments and their allocations", purr::RunAllocationsCommand},
    {"cases", "list cases with their flag, holds, invoices, letters, payments",
     purr::RunCasesCommand},
    {"followups", "list the follow-ups for clerks, by deadline", purr::RunFollowUpsCommand},
    {"events", "list the outbox events (reactivations)", purr::RunEventsCommand},
    {"status", "job queue, last activity, failed jobs", purr::RunStatusCommand},
    {"audit", "the append-only audit log", purr::RunAuditCommand},
    {"users", "the review pages' users: list, add, passwd, disable, enable",
     purr::RunUsersCommand},
    {"migrate", "copy a whole store into an empty one (SQLite to PostgreSQL)",
     purr::RunMigrateCommand},
    {"batch", "OCR, classify and report on an archive of scans, resumably",
     purr::RunBatchCommand},
#endif
};

void PrintUsage(std::ostream& out) {
  out << "usage: purr <command> [OPTIONS] [ARGS]\n\n"
         "purr reads Nordic collection letters and bank payment files and decides\n"
         "what can be handled automatically and what needs a clerk.\n\ncommands:\n";
  for (const auto& command : kCommands) {
    out << "  " << command.name;
    for (size_t i = std::strlen(command.name); i < 12; ++i) out << ' ';
    out << command.summary << "\n";
  }
  out << "\nRun 'purr <command> --help' for a command's options.\n"
         "Exit codes: 0 ok, 1 some inputs failed, 2 usage error.\n";
}

// Tesseract is built with OpenMP, whose threads cost more than they give on top of purr's
// own page-level threads (measured: 7.6 s a page with them, 1.95 s without). libgomp reads
// OMP_THREAD_LIMIT once, when it is loaded, so the variable is set and the program
// re-executed before any OCR starts. PURR_KEEP_OMP=1 keeps OpenMP as it is.
void LimitOpenMpThreads(char** argv) {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr || std::getenv("PURR_KEEP_OMP") != nullptr) {
    return;
  }
  setenv("OMP_THREAD_LIMIT", "1", 1);
  execv("/proc/self/exe", argv);
  // If re-executing fails, go on with OpenMP as it is: slower, same results.
}

}  // namespace

int main(int argc, char** argv) {
  LimitOpenMpThreads(argv);
  if (argc < 2) {
    PrintUsage(std::cerr);
    return purr::cli::kExitUsage;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(std::cout);
    return purr::cli::kExitOk;
  }
  if (name == "--version") {
    std::cout << "purr " << PURR_VERSION << "\n";
    return purr::cli::kExitOk;
  }
  for (const auto& command : kCommands) {
    if (name == command.name) {
      return command.run(purr::CommandArgs(argv + 2, argv + argc));
    }
  }
  std::cerr << "purr: unknown command '" << name << "'\n";
  PrintUsage(std::cerr);
  return purr::cli::kExitUsage;
}
