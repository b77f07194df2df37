package dev.brigade.engine.forward;

import dev.brigade.engine.backend.DeviceWeight;
import java.util.List;

/** One decoder layer's weights on a backend. Projections are [out, in]. */
record LayerWeights(
    DeviceWeight inputNorm, // [hidden]
    DeviceWeight wq, // [heads * headDim, hidden]
    DeviceWeight wk, // [kvHeads * headDim, hidden]
    DeviceWeight wv, // [kvHeads * headDim, hidden]
    DeviceWeight qNorm, // [headDim]
    DeviceWeight kNorm, // [headDim]
    DeviceWeight wo, // [hidden, heads * headDim]
    DeviceWeight postNorm, // [hidden]
    DeviceWeight wGate, // [intermediate, hidden]
    DeviceWeight wUp, // [intermediate, hidden]
    DeviceWeight wDown) { // [hidden, intermediate]

  /** The three projections of the attention input, multiplied together. */
  DeviceWeight[] qkv() {
    return new DeviceWeight[] {wq, wk, wv};
  }

  /** The two projections of the MLP input, multiplied together. */
  DeviceWeight[] gateUp() {
    return new DeviceWeight[] {wGate, wUp};
  }

  List<DeviceWeight> all() {
    return List.of(inputNorm, wq, wk, wv, qNorm, kNorm, wo, postNorm, wGate, wUp, wDown);
  }
}
