package dev.brigade.worker;

/**
 * What a worker measured about itself at start, reported when it registers.
 *
 * @param backend "cpu" or "cuda"
 * @param device a description of the device (CPU cores, GPU name)
 * @param layerSeconds decode seconds of one token through one layer, from the calibration
 */
public record WorkerProfile(String backend, String device, double layerSeconds) {
  public WorkerProfile {
    if (!(layerSeconds > 0)) {
      throw new IllegalArgumentException("calibration gave no usable speed: " + layerSeconds);
    }
  }
}
