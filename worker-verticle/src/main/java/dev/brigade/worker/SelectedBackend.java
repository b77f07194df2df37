package dev.brigade.worker;

import dev.brigade.engine.backend.Backend;
import dev.brigade.engine.backend.BackendProvider;
import dev.brigade.engine.backend.CpuBackend;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * The backend a worker computes on, chosen once at start from {@code --backend auto|cpu|cuda}.
 * CUDA comes from a {@link BackendProvider} found with {@link ServiceLoader} (the native module);
 * the CPU is always there.
 *
 * @param name "cpu" or "cuda"
 * @param device a description for the registry and logs
 * @param factory makes a fresh backend (one per loaded slice)
 */
public record SelectedBackend(String name, String device, Supplier<Backend> factory) {
  private static final System.Logger LOG = System.getLogger(SelectedBackend.class.getName());

  /** Chooses the backend; throws naming the problem when the choice cannot be honoured. */
  public static SelectedBackend choose(String choice) {
    String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
    return switch (c) {
      case "cpu" -> cpu();
      case "cuda" -> cuda();
      case "auto" -> auto();
      default -> throw new IllegalArgumentException("--backend " + choice + ": use auto, cpu or cuda");
    };
  }

  private static SelectedBackend cpu() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new SelectedBackend("cpu", cores + " CPU cores", CpuBackend::new);
  }

  private static SelectedBackend cuda() {
    BackendProvider p = provider("cuda");
    if (p == null) {
      throw new IllegalArgumentException("--backend cuda: this build has no CUDA backend (native module missing)");
    }
    String why = p.unavailableReason();
    if (why != null) {
      throw new IllegalArgumentException("--backend cuda: not usable here: " + why);
    }
    return new SelectedBackend("cuda", p.device(), p::create);
  }

  private static SelectedBackend auto() {
    BackendProvider p = provider("cuda");
    String why = p == null ? "no CUDA backend in this build" : p.unavailableReason();
    if (why == null) {
      return new SelectedBackend("cuda", p.device(), p::create);
    }
    LOG.log(Level.INFO, "backend auto: using the CPU (" + why + ")");
    return cpu();
  }

  private static BackendProvider provider(String name) {
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }
}
