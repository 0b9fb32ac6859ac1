package dev.opaquepop.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dotted-quad scanner in {@link ClientAddresses#parse} against the rule it implements, written the slow way
 * as a regular expression (what the scanner replaced): four octets 0-255, no leading zeros, nothing else.
 */
class Ipv4ParseTest {
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    @Property(tries = 20000)
    void acceptsExactlyTheDottedQuads(@ForAll("addressLike") String text) {
        Optional<byte[]> parsed = ClientAddresses.parse(text);
        boolean ipv4 = parsed.isPresent() && parsed.get().length == 4;
        assertThat(ipv4).as(text).isEqualTo(DOTTED_QUAD.matcher(text).matches());
        if (ipv4) {
            assertThat(ClientAddresses.format(parsed.get())).isEqualTo(text);
        }
    }

    @Provide
    Arbitrary<String> addressLike() {
        Arbitrary<String> octet = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 300).map(String::valueOf),
                Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(4));
        Arbitrary<String> quads = octet.list().ofMinSize(1).ofMaxSize(6).map(parts -> String.join(".", parts));
        Arbitrary<String> noise =
                Arbitraries.strings().withChars("0123456789.:+- a").ofMaxLength(18);
        return Arbitraries.oneOf(quads, quads, noise);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1.2.3.4.",
                ".1.2.3.4",
                "1..2.3",
                "1.2.3.4.5",
                "+1.2.3.4",
                "1.2.3.-4",
                "00.1.2.3",
                "1.2.3.00",
                "\uff11.2.3.4",
                "1.2.3.4 ",
                " 1.2.3.4",
                "4294967297.0.0.1",
                "1.2.3.2555"
            })
    void refusesWhatIsNotADottedQuad(String text) {
        assertThat(ClientAddresses.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "10.0.0.1", "192.168.100.200", "1.20.199.249"})
    void readsDottedQuads(String text) {
        assertThat(ClientAddresses.parse(text))
                .hasValueSatisfying(
                        bytes -> assertThat(ClientAddresses.format(bytes)).isEqualTo(text));
    }
}
