package dev.brigade.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One `brigade ...` command run in this JVM through picocli, with what it printed. */
record CliRun(int exitCode, String out, String err) {

  static CliRun run(String... args) {
    CommandLine cli = Brigade.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
