package dev.brigade.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brigade.engine.testing.TinyModelFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Bad settings end `brigade scheduler` / `brigade worker` at once with one line naming them. */
class RoleCommandsTest {

  private static String[] run(String... args) {
    StringWriter err = new StringWriter();
    var cli = Brigade.commandLine();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new String[] {String.valueOf(code), err.toString().strip()};
  }

  @Test
  void workerSettingsAreCheckedBeforeJoining() {
    String model = TinyModelFixture.path(false).toString();
    String[] memory = run("worker", "--model", model, "--memory", "8XB");
    assertEquals("1", memory[0]);
    assertEquals("brigade: --memory 8XB: unknown unit XB (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)", memory[1]);
    String[] backend = run("worker", "--model", model, "--memory", "1GiB", "--backend", "tpu");
    assertEquals("brigade: --backend tpu: use auto, cpu or cuda", backend[1]);
    String[] cuda = run("worker", "--model", model, "--memory", "1GiB", "--backend", "cuda");
    assertTrue(cuda[1].startsWith("brigade: --backend cuda: "), cuda[1]);
    assertEquals(1, cuda[1].lines().count());
    String[] device = run("worker", "--model", model, "--memory", "1GiB", "--device", "-1");
    assertEquals("brigade: --device -1: must be 0 or more", device[1]);
    String[] noModel = run("worker", "--model", "/no/such/dir", "--memory", "1GiB");
    assertEquals("brigade: --model /no/such/dir: no such folder", noModel[1]);
  }

  @Test
  void schedulerSettingsAreCheckedBeforeJoining() {
    String model = TinyModelFixture.path(false).toString();
    String[] join = run("scheduler", "--model", model, "--join", "nohost");
    assertEquals("brigade: --join nohost is not HOST:PORT", join[1]);
    String[] port = run("scheduler", "--model", model, "--port", "70000");
    assertEquals("brigade: --port 70000 is not in 1..65535", port[1]);
    String[] ceiling = run("scheduler", "--model", model, "--max-token-seconds", "0");
    assertTrue(ceiling[1].startsWith("brigade: --max-token-seconds 0.0"), ceiling[1]);
    String[] wait = run("scheduler", "--model", model, "--repair-wait", "soon");
    assertEquals("brigade: --repair-wait soon is not a duration (examples: 500ms, 90s, 30m, 1h, 1d, PT1H)", wait[1]);
  }
}
