package dev.brigade.launcher;

import static dev.brigade.launcher.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** bench-engine end to end on one real-shape layer; timings are only checked to be present. */
class BenchEngineCommandTest {

  private static JsonNode bench(String dtype, String batch) throws Exception {
    CliRun r = run("bench-engine", "--preset", "qwen3-0.6b", "--layers", "1", "--dtype", dtype,
        "--batch", batch, "--warmup", "1", "--iterations", "2", "--prefill-tokens", "8",
        "--prefill-runs", "1", "--bandwidth-mib", "16", "--threads", "2", "--json");
    assertEquals(0, r.exitCode(), r.err());
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void printsTheFiguresAsJsonWithTheExactBytesPerToken() throws Exception {
    JsonNode j = bench("bf16", "2");
    assertEquals("qwen3-0.6b", j.get("preset").asText());
    assertEquals("bf16", j.get("dtype").asText());
    assertEquals(1, j.get("layers").asInt());
    assertEquals(2, j.get("batch").asInt());
    assertEquals(2, j.get("threads").asInt());
    // one layer (15,728,640 bf16 projection weights + 2,304 norm weights), the tied lm_head
    // (151,936 x 1,024), the final norm and one embedding row, 2 bytes each
    assertEquals(2L * (15_728_640 + 2_304 + 151_936 * 1_024 + 1_024 + 1_024),
        j.get("weight_bytes_per_token").asLong());
    for (String field : new String[] {"decode_tok_s", "decode_batch_tok_s", "prefill_tok_s",
        "bound_tok_s", "bandwidth_gb_s", "ratio", "best_bandwidth_gb_s",
        "ratio_to_best_bandwidth"}) {
      assertTrue(j.get(field).asDouble() > 0, field + " in " + j);
    }
    double bound = j.get("bandwidth_gb_s").asDouble() * 1e9
        / j.get("weight_bytes_per_token").asDouble();
    assertEquals(bound, j.get("bound_tok_s").asDouble(), bound * 0.01 + 0.01);
    assertTrue(j.get("machine").get("cores").asInt() >= 1);
    assertTrue(!j.get("machine").get("cpu").asText().isEmpty());
  }

  @Test
  void fp8ProjectionsCountTheirBlockScales() throws Exception {
    JsonNode j = bench("fp8", "1");
    assertEquals("fp8", j.get("dtype").asText());
    // 15,728,640 FP8 bytes + 960 bf16 block scales + the same bf16 norms, lm_head and row
    assertEquals(15_728_640L + 2L * 960 + 2L * (2_304 + 151_936 * 1_024 + 1_024 + 1_024),
        j.get("weight_bytes_per_token").asLong());
    assertTrue(j.get("decode_tok_s").asDouble() > 0);
  }

  @Test
  void badInputIsOneLineNamingTheProblem() {
    CliRun r = run("bench-engine", "--preset", "qwen3-7b");
    assertNotEquals(0, r.exitCode());
    assertTrue(r.err().startsWith("brigade: unknown preset 'qwen3-7b'"), r.err());
    CliRun d = run("bench-engine", "--preset", "qwen3-0.6b", "--dtype", "int4");
    assertTrue(d.err().startsWith("brigade: dtype must be bf16 or fp8"), d.err());
  }
}
