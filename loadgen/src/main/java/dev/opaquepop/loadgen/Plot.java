package dev.opaquepop.loadgen;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Two charts side by side in one PNG, drawn with java.awt in headless mode: throughput against concurrency on
 * the left, latency (p50 solid, p99 dashed) against concurrency on the right, one colour per series. The
 * concurrency levels are evenly spaced on the x axis (they are usually powers of two).
 */
final class Plot {
    /** One line: a label and one value per concurrency level ({@code NaN} where there is none). */
    record Series(String label, List<Double> throughput, List<Double> p50Millis, List<Double> p99Millis) {}

    private static final int PANEL_WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final int LEFT = 80;
    private static final int RIGHT = 24;
    private static final int TOP = 90;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
    };
    private static final Stroke SOLID = new BasicStroke(2.2f);
    private static final Stroke DASHED =
            new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {7f, 5f}, 0f);

    private Plot() {}

    static void write(Path file, String title, String throughputUnit, List<Integer> levels, List<Series> series)
            throws IOException {
        write(file, title, throughputUnit + " (higher is better)", "concurrency (requests in flight)", levels, series);
    }

    /** The same charts with other axis labels: {@code leftLabel} over the left chart, {@code xLabel} under both. */
    static void write(
            Path file, String title, String leftLabel, String xLabel, List<Integer> levels, List<Series> series)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, LEFT, 24);

            double maxThroughput = 0;
            double maxLatency = 0;
            for (Series s : series) {
                maxThroughput = Math.max(maxThroughput, max(s.throughput()));
                maxLatency = Math.max(maxLatency, Math.max(max(s.p50Millis()), max(s.p99Millis())));
            }
            Panel left = new Panel(0, levels, niceCeiling(maxThroughput), leftLabel, xLabel);
            Panel right = new Panel(
                    PANEL_WIDTH,
                    levels,
                    niceCeiling(maxLatency),
                    "latency, ms: p50 solid, p99 dashed (lower is better)",
                    xLabel);
            left.axes(g);
            right.axes(g);
            for (int i = 0; i < series.size(); i++) {
                Series s = series.get(i);
                Color color = PALETTE[i % PALETTE.length];
                left.line(g, s.throughput(), color, SOLID);
                right.line(g, s.p50Millis(), color, SOLID);
                right.line(g, s.p99Millis(), color, DASHED);
                legend(g, i, s.label(), color);
            }
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    /** Legend entries under the title, four to a row. */
    private static void legend(Graphics2D g, int index, String label, Color color) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x = LEFT + 300 * Math.floorMod(index, 4);
        int y = 44 + 16 * Math.floorDiv(index, 4);
        g.setColor(color);
        g.setStroke(SOLID);
        g.drawLine(x, y - 4, x + 24, y - 4);
        g.setColor(Color.BLACK);
        g.drawString(label, x + 30, y);
    }

    /** One chart: its frame, its scales, its lines. */
    private static final class Panel {
        private final int x0;
        private final List<Integer> levels;
        private final double yMax;
        private final String yLabel;
        private final String xLabel;

        Panel(int x0, List<Integer> levels, double yMax, String yLabel, String xLabel) {
            this.x0 = x0;
            this.levels = levels;
            this.yMax = yMax > 0 ? yMax : 1;
            this.yLabel = yLabel;
            this.xLabel = xLabel;
        }

        int x(int levelIndex) {
            int width = PANEL_WIDTH - LEFT - RIGHT;
            return levels.size() == 1
                    ? x0 + LEFT + width / 2
                    : x0 + LEFT + (int) Math.round(width * (0.05 + 0.9 * levelIndex / (levels.size() - 1.0)));
        }

        int y(double value) {
            int height = HEIGHT - TOP - BOTTOM;
            return TOP + height - (int) Math.round(height * value / yMax);
        }

        void axes(Graphics2D g) {
            g.setStroke(new BasicStroke(1f));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics metrics = g.getFontMetrics();
            int bottom = HEIGHT - BOTTOM;
            for (int tick = 0; tick <= 5; tick++) {
                double value = yMax * tick / 5;
                int y = y(value);
                g.setColor(new Color(0xe6e6e6));
                g.drawLine(x0 + LEFT, y, x0 + PANEL_WIDTH - RIGHT, y);
                g.setColor(Color.DARK_GRAY);
                String text = label(value);
                g.drawString(text, x0 + LEFT - 8 - metrics.stringWidth(text), y + 4);
            }
            g.setColor(Color.BLACK);
            g.drawLine(x0 + LEFT, TOP, x0 + LEFT, bottom);
            g.drawLine(x0 + LEFT, bottom, x0 + PANEL_WIDTH - RIGHT, bottom);
            for (int i = 0; i < levels.size(); i++) {
                String text = Integer.toString(levels.get(i));
                g.drawLine(x(i), bottom, x(i), bottom + 4);
                g.drawString(text, x(i) - metrics.stringWidth(text) / 2, bottom + 18);
            }
            g.drawString(
                    xLabel, x0 + LEFT + (PANEL_WIDTH - LEFT - RIGHT - metrics.stringWidth(xLabel)) / 2, bottom + 36);
            g.drawString(yLabel, x0 + LEFT, TOP - 6);
        }

        void line(Graphics2D g, List<Double> values, Color color, Stroke stroke) {
            g.setColor(color);
            g.setStroke(stroke);
            int previousX = -1;
            int previousY = -1;
            for (int i = 0; i < values.size() && i < levels.size(); i++) {
                double value = values.get(i);
                if (Double.isNaN(value)) {
                    previousX = -1;
                    continue;
                }
                int x = x(i);
                int y = y(value);
                g.fillOval(x - 3, y - 3, 7, 7);
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, x, y);
                }
                previousX = x;
                previousY = y;
            }
        }
    }

    private static double max(List<Double> values) {
        double max = 0;
        for (double value : values) {
            if (!Double.isNaN(value)) {
                max = Math.max(max, value);
            }
        }
        return max;
    }

    /** The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) at or above value. */
    static double niceCeiling(double value) {
        if (!(value > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String label(double value) {
        if (value >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (value >= 10 || value == 0) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
