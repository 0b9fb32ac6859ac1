package dev.opaquepop.loadgen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * The one writer of the markdown tables in every report: a header, its rule, and rows of cells already formatted
 * by the caller (each report chooses its own decimals and units).
 */
final class MarkdownTable {
    /** Cell formats: 0 to 3 decimals, and whole numbers with thousands separators. */
    static final DoubleFunction<String> D0 = v -> String.format(Locale.ROOT, "%.0f", v);

    static final DoubleFunction<String> D1 = v -> String.format(Locale.ROOT, "%.1f", v);
    static final DoubleFunction<String> D2 = v -> String.format(Locale.ROOT, "%.2f", v);
    static final DoubleFunction<String> D3 = v -> String.format(Locale.ROOT, "%.3f", v);
    static final DoubleFunction<String> THOUSANDS = v -> String.format(Locale.ROOT, "%,.0f", v);

    private final List<String> columns;
    private final int rightAlignedFrom;
    private final List<List<String>> rows = new ArrayList<>();

    private MarkdownTable(List<String> columns, int rightAlignedFrom) {
        this.columns = List.copyOf(columns);
        this.rightAlignedFrom = rightAlignedFrom;
    }

    static MarkdownTable of(String... columns) {
        return of(Arrays.asList(columns));
    }

    static MarkdownTable of(List<String> columns) {
        return new MarkdownTable(columns, Integer.MAX_VALUE);
    }

    /** The same table with the columns from {@code column} (0-based) on aligned right, as numbers read best. */
    MarkdownTable alignRightFrom(int column) {
        return new MarkdownTable(columns, column);
    }

    /** Adds a row; as many cells as columns. */
    MarkdownTable row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + columns.size() + " columns");
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toList());
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table, every line ending in a newline. */
    String render() {
        StringBuilder out = new StringBuilder();
        line(out, columns);
        List<String> rule = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            rule.add(i >= rightAlignedFrom ? "---:" : "---");
        }
        out.append('|').append(String.join("|", rule)).append("|\n");
        rows.forEach(row -> line(out, row));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
}
