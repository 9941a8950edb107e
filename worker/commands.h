// The subcommands of the purr executable. Each takes the arguments after its name and
// returns the process exit code (see worker/cli.h).
#ifndef PURR_WORKER_COMMANDS_H_
#define PURR_WORKER_COMMANDS_H_

#include <string>
#include <vector>

namespace purr {

using CommandArgs = std::vector<std::string>;

struct CommandSpec {
  const char* name;
  const char* summary;
  int (*run)(const CommandArgs& args);
};

int RunOcrCommand(const CommandArgs& args);
int RunPaymentsCommand(const CommandArgs& args);
int RunMatchCommand(const CommandArgs& args);
int RunMatchEvalCommand(const CommandArgs& args);
int RunClassifyCommand(const CommandArgs& args);
int RunTrainCommand(const CommandArgs& args);
int RunEvalCommand(const CommandArgs& args);
int RunRunCommand(const CommandArgs& args);
int RunInvoicesCommand(const CommandArgs& args);
int RunLettersCommand(const CommandArgs& args);
int RunSearchCommand(const CommandArgs& args);
int RunAllocationsCommand(const CommandArgs& args);
int RunCasesCommand(const CommandArgs& args);
int RunFollowUpsCommand(const CommandArgs& args);
int RunUsersCommand(const CommandArgs& args);
int RunEventsCommand(const CommandArgs& args);
int RunStatusCommand(const CommandArgs& args);
int RunAuditCommand(const CommandArgs& args);
int RunMigrateCommand(const CommandArgs& args);
int RunBatchCommand(const CommandArgs& args);

}  // namespace purr

#endif  // PURR_WORKER_COMMANDS_H_
