package dev.brigade.launcher;

import dev.brigade.cuda.CudaBackendProvider;
import dev.brigade.protocol.cluster.ClusterBootstrap;
import dev.brigade.protocol.cluster.ClusterOptions;
import java.util.HashMap;
import java.util.Map;
import dev.brigade.worker.MemorySize;
import dev.brigade.worker.SelectedBackend;
import dev.brigade.worker.WorkerConfig;
import dev.brigade.worker.WorkerNode;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brigade worker --model DIR --memory 8GiB [--backend auto|cpu|cuda] [--device N] [--token T] ...}:
 * runs one worker until killed. A refusal by the scheduler ends the process with its reason.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Run a worker: serves the layer slice the scheduler assigns. Serves until killed.")
public final class WorkerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model folder; only the assigned slice's tensors are read.")
  Path model;

  @Option(names = "--memory", required = true, paramLabel = "SIZE",
      description = "Memory for weights and KV cache, e.g. 8GiB, 512MiB.")
  String memory;

  @Option(names = "--backend", paramLabel = "auto|cpu|cuda", defaultValue = "auto",
      description = "Compute backend. Default: ${DEFAULT-VALUE} (CUDA when usable, else CPU).")
  String backend;

  @Option(names = "--device", paramLabel = "N", defaultValue = "0",
      description = "CUDA device for --backend cuda/auto; run one worker per GPU. Default: ${DEFAULT-VALUE}.")
  int cudaDevice;

  @Option(names = "--token", paramLabel = "T", description = "Join token of the cluster.")
  String token;

  @Option(names = "--id", paramLabel = "ID", description = "This worker's node id. Default: worker-<pid>.")
  String id;

  @Mixin ClusterFlags cluster;

  @Override
  public Integer call() throws Exception {
    Path dir = ModelDir.check(model);
    long bytes = MemorySize.parse(memory);
    if (cudaDevice < 0) {
      throw new IllegalArgumentException("--device " + cudaDevice + ": must be 0 or more");
    }
    System.setProperty(CudaBackendProvider.DEVICE_PROPERTY, Integer.toString(cudaDevice));
    SelectedBackend device = SelectedBackend.choose(backend);
    if (device.name().equals("cuda")) {
      // weights and KV cache live in device memory: the budget must fit what is free there
      long free = new CudaBackendProvider().deviceMemoryBytes();
      if (bytes > free) {
        throw new IllegalArgumentException("--memory " + memory + ": CUDA device " + cudaDevice
            + " has only " + MemorySize.format(free) + " free");
      }
    }
    String nodeId = id != null ? id : "worker-" + ProcessHandle.current().pid();
    WorkerConfig config = WorkerConfig.of(nodeId, token, bytes);
    ClusterOptions options = cluster.options("worker", nodeId);
    Map<String, String> attributes = new HashMap<>();
    attributes.put(ClusterOptions.ATTR_BACKEND, device.name());
    attributes.put(ClusterOptions.ATTR_DEVICE, device.device());
    Vertx vertx = Serving.await(ClusterBootstrap.start(options, attributes, WorkerNode.processVertxOptions()));
    try {
      Serving.await(WorkerNode.start(vertx, config, dir, device));
    } catch (Exception e) {
      Serving.closeQuietly(vertx);
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("brigade worker " + nodeId + ": registered (" + device.name() + ", "
        + MemorySize.format(bytes) + ")");
    out.flush();
    Serving.untilKilled(vertx);
    return 0;
  }
}
