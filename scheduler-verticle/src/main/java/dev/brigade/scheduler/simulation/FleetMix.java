package dev.brigade.scheduler.simulation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The GPU mix: rows of {@code type,memory_gb,bandwidth_gbs,tflops,share} ('#' lines are
 * comments, the header is required). Shares need not sum to 1; they are normalised.
 */
public final class FleetMix {
  public static final String SHIPPED = "fleet-mix.csv";

  private final List<GpuType> types;
  private final double[] cumulative;

  public FleetMix(List<GpuType> types) {
    if (types.isEmpty()) throw new IllegalArgumentException("fleet mix has no rows");
    this.types = List.copyOf(types);
    this.cumulative = new double[types.size()];
    double total = 0;
    for (GpuType t : types) total += t.share();
    if (!(total > 0)) throw new IllegalArgumentException("fleet mix shares sum to 0");
    double run = 0;
    for (int i = 0; i < types.size(); i++) {
      run += types.get(i).share() / total;
      cumulative[i] = run;
    }
  }

  public List<GpuType> types() {
    return types;
  }

  public GpuType draw(RandomGenerator rng) {
    double u = rng.nextDouble();
    for (int i = 0; i < cumulative.length; i++) if (u < cumulative[i]) return types.get(i);
    return types.getLast();
  }

  /** The mix shipped in the scheduler's resources. */
  public static FleetMix shipped() {
    try (InputStream in = FleetMix.class.getClassLoader().getResourceAsStream(SHIPPED)) {
      if (in == null) throw new IllegalStateException(SHIPPED + " missing from the classpath");
      return parse(new InputStreamReader(in, StandardCharsets.UTF_8), SHIPPED);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + SHIPPED + ": " + e.getMessage(), e);
    }
  }

  public static FleetMix load(Path file) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("fleet file not found: " + file);
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(r, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read fleet file " + file + ": " + e.getMessage(), e);
    }
  }

  static FleetMix parse(Reader reader, String source) throws IOException {
    BufferedReader in = new BufferedReader(reader);
    List<GpuType> rows = new ArrayList<>();
    boolean header = false;
    String line;
    int number = 0;
    while ((line = in.readLine()) != null) {
      number++;
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] f = line.split(",");
      if (!header) {
        if (f.length != 5 || !f[0].strip().equals("type"))
          throw new IllegalArgumentException(source + ":" + number + ": expected header type,memory_gb,bandwidth_gbs,tflops,share");
        header = true;
        continue;
      }
      if (f.length != 5) throw new IllegalArgumentException(source + ":" + number + ": expected 5 fields, got " + f.length);
      try {
        rows.add(new GpuType(f[0].strip(), Double.parseDouble(f[1].strip()), Double.parseDouble(f[2].strip()),
            Double.parseDouble(f[3].strip()), Double.parseDouble(f[4].strip())));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(source + ":" + number + ": not a number: " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ":" + number + ": " + e.getMessage());
      }
    }
    return new FleetMix(rows);
  }
}
