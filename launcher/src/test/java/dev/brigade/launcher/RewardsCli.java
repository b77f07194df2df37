package dev.brigade.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs `brigade rewards ...` in this JVM and captures what it prints. */
public final class RewardsCli {
  private RewardsCli() {}

  public record Result(int exit, String out, String err) {}

  public static Result run(String... args) {
    CommandLine cli = Brigade.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "rewards";
    System.arraycopy(args, 0, all, 1, args.length);
    int exit = cli.execute(all);
    return new Result(exit, out.toString(), err.toString());
  }
}
