package dev.brigade.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** The PTX modules shipped in the jar under dev/brigade/cuda/ptx (built by build-ptx.sh). */
public final class PtxResources {
  public static final String FOLDER = "/dev/brigade/cuda/ptx/";

  private PtxResources() {}

  /** The PTX text of {@code module}, NUL-terminated as cuModuleLoadData wants it. */
  public static byte[] load(String module) {
    byte[] text = text(module);
    return Arrays.copyOf(text, text.length + 1);
  }

  /** The raw bytes of a resource in the PTX folder. */
  public static byte[] text(String file) {
    String path = FOLDER + (file.contains(".") ? file : file + ".ptx");
    try (InputStream in = PtxResources.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("PTX resource " + path + " missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
