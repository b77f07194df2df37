package dev.brigade.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX was built from the committed CUDA sources: build-ptx.sh records the
 * sha256 of every file in src/main/cuda next to the PTX; editing a .cu file without running
 * it fails here.
 */
class PtxSourcesTest {

  @Test
  void recordedSourceHashesMatchTheCudaSources() throws IOException, NoSuchAlgorithmException {
    Path src = Path.of("src/main/cuda");
    StringBuilder expected = new StringBuilder();
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".cu") || p.toString().endsWith(".cuh"))
          .sorted().collect(Collectors.toList())) {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
        expected.append(HexFormat.of().formatHex(hash)).append("  ").append(f.getFileName())
            .append('\n');
      }
    }
    String recorded = new String(PtxResources.text("SOURCES.sha256"), StandardCharsets.US_ASCII);
    assertEquals(expected.toString(), recorded,
        "src/main/cuda changed since the PTX was built: run native/build-ptx.sh (needs nvcc)");
  }
}
