package dev.brigade.scheduler.simulation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of both policies over simulated time. */
final class Charts {
  private Charts() {}

  /** Writes throughput.png, pipelines.png and nodes.png into dir; returns their paths. */
  static List<Path> write(Path dir, SimResult ours, SimResult baseline) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    XYChart throughput = chart("Served output tokens/s", "tokens/s");
    add(throughput, "ours", ours.series().hours(), ours.series().tokensPerSecond());
    add(throughput, "baseline (Parallax-like)", baseline.series().hours(), baseline.series().tokensPerSecond());
    add(throughput, "fleet upper bound", ours.series().hours(), ours.series().boundTokensPerSecond());
    written.add(save(throughput, dir.resolve("throughput.png")));

    XYChart pipelines = chart("Ready pipelines", "pipelines");
    add(pipelines, "ours", ours.series().hours(), ours.series().readyPipelines());
    add(pipelines, "baseline (Parallax-like)", baseline.series().hours(), baseline.series().readyPipelines());
    written.add(save(pipelines, dir.resolve("pipelines.png")));

    XYChart nodes = chart("Nodes online", "nodes");
    add(nodes, "nodes online", ours.series().hours(), ours.series().nodesOnline());
    written.add(save(nodes, dir.resolve("nodes.png")));
    return written;
  }

  private static XYChart chart(String title, String yTitle) {
    XYChart chart = new XYChartBuilder().width(900).height(450).title(title).xAxisTitle("simulated hours").yAxisTitle(yTitle).build();
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setXAxisDecimalPattern("0.#");
    chart.getStyler().setYAxisDecimalPattern("#,##0");
    return chart;
  }

  private static void add(XYChart chart, String name, double[] x, double[] y) {
    if (x.length == 0) return;
    XYSeries s = chart.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.NONE);
  }

  private static Path save(XYChart chart, Path file) throws IOException {
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }
}
