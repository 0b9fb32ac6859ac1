package dev.opaquepop.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bench summarize} of results written before the reports became typed records: two short runs of
 * {@code bench logins} and {@code bench calls} saved as they were written (resources), and the summary the code of
 * that time printed for them. Old results must keep summarizing to the same report.
 */
class SummarizeCompatibilityTest {
    private static Path saved(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(
                        SummarizeCompatibilityTest.class.getResource("results-before-typed-records/" + name))
                .toURI());
    }

    @Test
    void summarize_ofResultsWrittenBeforeTypedRecords_printsTheSameReport() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = BenchCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));

        int exit = commandLine.execute(
                "summarize", saved("run1").toString(), saved("run2").toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo(expected());
    }

    private static String expected() throws IOException, URISyntaxException {
        return Files.readString(saved("summary.md"), StandardCharsets.UTF_8);
    }
}
