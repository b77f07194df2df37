package dev.brigade.scheduler.plan;

/**
 * Parallax's choice of the number of pipelines: given the stage counts of the pipelines that
 * can be built (fewest stages first), choose k maximising k^2 / (stages needed for k
 * pipelines). The first maximum wins, so ties favour fewer pipelines.
 */
public final class ParallaxRule {
  private ParallaxRule() {}

  /** @param stagesAscending stage count of each buildable pipeline, ascending; 0 if empty */
  public static int chooseK(int[] stagesAscending) {
    int best = 0;
    double bestScore = 0;
    long stages = 0;
    for (int k = 1; k <= stagesAscending.length; k++) {
      stages += stagesAscending[k - 1];
      double score = (double) k * k / stages;
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    return best;
  }
}
