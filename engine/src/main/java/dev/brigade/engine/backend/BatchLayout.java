package dev.brigade.engine.backend;

/**
 * Where each row of a batch sits: its position in its sequence, the KV slot it writes, and the
 * block table it attends over. Built once per forward call and shared by every layer.
 *
 * @param rows rows in the batch (all sequences' tokens, concatenated)
 * @param positions per row: the token's position in its sequence
 * @param slots per row: the KV slot the row's k and v are written to
 * @param rowSequence per row: index of the row's sequence in the block tables
 * @param blockTables flat [sequences, maxBlocksPerSequence]: physical block of each logical
 *     block of each sequence (-1 where unused)
 * @param maxBlocksPerSequence the stride of {@code blockTables}
 * @param blockSize token slots per block
 */
public record BatchLayout(
    int rows,
    int[] positions,
    int[] slots,
    int[] rowSequence,
    int[] blockTables,
    int maxBlocksPerSequence,
    int blockSize) {

  public BatchLayout {
    if (positions.length != rows || slots.length != rows || rowSequence.length != rows) {
      throw new IllegalArgumentException("batch layout arrays must have one entry per row");
    }
    if (maxBlocksPerSequence <= 0 || blockSize <= 0
        || blockTables.length % maxBlocksPerSequence != 0) {
      throw new IllegalArgumentException("bad block table shape");
    }
  }

  /** The physical KV slot holding position {@code pos} of the sequence at table index {@code seq}. */
  public int slotOf(int seq, int pos) {
    return blockTables[seq * maxBlocksPerSequence + pos / blockSize] * blockSize + pos % blockSize;
  }
}
