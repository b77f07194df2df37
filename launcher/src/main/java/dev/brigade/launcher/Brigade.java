package dev.brigade.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `brigade` command: one entry point, one subcommand per job. */
@Command(
    name = "brigade",
    mixinStandardHelpOptions = true,
    version = "brigade 0.1.0",
    description = "Serve Qwen3 models from a mesh of GPUs and CPUs.",
    subcommands = {CommandLine.HelpCommand.class, TokenizeCommand.class, BenchCommand.class, ChatCommand.class,
        ModelCommand.class, GenerateCommand.class, SimulateCommand.class, SchedulerCommand.class,
        WorkerCommand.class, BenchMeshCommand.class, GatewayCommand.class, DemoCommand.class,
        BenchEngineCommand.class, RewardsCommand.class, BenchStageCommand.class,
        BenchWholeCommand.class})
public final class Brigade implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with every subcommand and a one-line error handler for bad input. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Brigade());
    cli.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr().println("brigade: " + ex.getMessage());
          return 1;
        });
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println(
              "brigade: " + ex.getMessage() + " (see --help)");
          return 2;
        });
    return cli;
  }
}
