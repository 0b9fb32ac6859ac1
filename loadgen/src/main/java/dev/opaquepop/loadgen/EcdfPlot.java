package dev.opaquepop.loadgen;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Empirical cumulative distributions of latency samples in one PNG (java.awt, headless): for each series, the
 * fraction of requests at or below each latency. Two distributions that cannot be told apart draw the same curve.
 * The x axis spans the 0.5th to the 99.5th percentile of all samples, so a few outliers do not squash the rest.
 */
final class EcdfPlot {
    /** One curve: a label and latencies in nanoseconds, sorted ascending (read only; never compared). */
    @SuppressWarnings("ArrayRecordComponent")
    record Series(String label, long[] sortedNanos) {}

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};

    private EcdfPlot() {}

    static void write(Path file, String title, List<Series> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        long[] all = series.stream()
                .flatMapToLong(s -> java.util.Arrays.stream(s.sortedNanos()))
                .sorted()
                .toArray();
        double low = LatencyLog.percentile(all, 0.5) / 1e3;
        double high = Math.max(low + 1, LatencyLog.percentile(all, 99.5) / 1e3);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, LEFT, 26);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int plotWidth = WIDTH - LEFT - RIGHT;
            int plotHeight = HEIGHT - TOP - BOTTOM;
            g.drawRect(LEFT, TOP, plotWidth, plotHeight);
            for (int tick = 0; tick <= 5; tick++) {
                double x = low + (high - low) * tick / 5;
                int px = LEFT + plotWidth * tick / 5;
                g.drawString(String.format(Locale.ROOT, "%.0f", x), px - 14, TOP + plotHeight + 18);
                int py = TOP + plotHeight - plotHeight * tick / 5;
                g.drawString(String.format(Locale.ROOT, "%.1f", tick / 5.0), LEFT - 32, py + 4);
            }
            g.drawString("latency (µs)", LEFT + plotWidth / 2 - 30, HEIGHT - 18);
            g.drawString("fraction ≤ x", 10, TOP - 10);
            for (int s = 0; s < series.size(); s++) {
                long[] sorted = series.get(s).sortedNanos();
                g.setColor(PALETTE[s % PALETTE.length]);
                g.setStroke(new BasicStroke(2f));
                int lastX = LEFT;
                int lastY = TOP + plotHeight;
                for (int i = 0; i < sorted.length; i++) {
                    double micros = Math.min(high, Math.max(low, sorted[i] / 1e3));
                    int px = LEFT + (int) Math.round((micros - low) / (high - low) * plotWidth);
                    int py = TOP + plotHeight - (int) Math.round((i + 1) / (double) sorted.length * plotHeight);
                    g.drawLine(lastX, lastY, px, lastY);
                    g.drawLine(px, lastY, px, py);
                    lastX = px;
                    lastY = py;
                }
                g.fillRect(LEFT + plotWidth - 150, TOP + 14 + 20 * s, 18, 4);
                g.setColor(Color.BLACK);
                g.drawString(series.get(s).label(), LEFT + plotWidth - 126, TOP + 20 + 20 * s);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }
}
