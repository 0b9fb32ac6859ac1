package dev.opaquepop.server.address;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opaquepop.testfixtures.Draw;
import dev.opaquepop.testfixtures.RandomSeed;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dotted-quad scanner in {@link ClientAddresses#parse} against the rule it implements, written the slow way
 * as a regular expression (what the scanner replaced): four octets 0-255, no leading zeros, nothing else.
 */
@ExtendWith(RandomSeed.class)
class Ipv4ParseTest {
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final int CASES = 20_000;
    private static final String DIGITS = "0123456789";
    private static final String NOISE = "0123456789.:+- a";
    /** Octets on and beside every boundary of the rule: empty, leading zeros, each digit count, 255/256. */
    private static final List<String> EDGE_OCTETS = List.of(
            "", "0", "00", "000", "0000", "01", "09", "0255", "1", "9", "10", "99", "100", "199", "200", "249", "250",
            "255", "256", "259", "260", "299", "300", "999", "1000", "2555");

    @Test
    void acceptsExactlyTheDottedQuads(SplittableRandom random) {
        for (int i = 0; i < CASES; i++) {
            assertAgreesWithTheRule(random.nextInt(3) < 2 ? quads(random) : Draw.string(random, NOISE, 0, 18));
        }
    }

    @Test
    void acceptsExactlyTheDottedQuads_edgeCases() {
        for (String octet : EDGE_OCTETS) {
            for (int position = 0; position < 4; position++) {
                String[] parts = {"1", "22", "255", "0"};
                parts[position] = octet;
                assertAgreesWithTheRule(String.join(".", parts));
            }
        }
        for (int count = 1; count <= 6; count++) {
            for (String octet : List.of("", "0", "255", "256")) {
                assertAgreesWithTheRule(String.join(".", Collections.nCopies(count, octet)));
            }
        }
        for (int i = 0; i < NOISE.length(); i++) {
            char c = NOISE.charAt(i);
            assertAgreesWithTheRule(String.valueOf(c));
            assertAgreesWithTheRule(c + "1.2.3.4");
            assertAgreesWithTheRule("1.2.3.4" + c);
            assertAgreesWithTheRule("1.2" + c + "3.4");
        }
        assertAgreesWithTheRule("");
    }

    /** One to six octets joined by dots, each a number up to 300 or up to four digits as they come. */
    private static String quads(SplittableRandom random) {
        String[] parts = new String[Draw.size(random, 1, 6)];
        for (int i = 0; i < parts.length; i++) {
            parts[i] =
                    random.nextBoolean() ? String.valueOf(random.nextInt(0, 301)) : Draw.string(random, DIGITS, 0, 4);
        }
        return String.join(".", parts);
    }

    private static void assertAgreesWithTheRule(String text) {
        Optional<byte[]> parsed = ClientAddresses.parse(text);
        boolean ipv4 = parsed.isPresent() && parsed.get().length == 4;
        assertThat(ipv4)
                .as("\"%s\" read as IPv4", text)
                .isEqualTo(DOTTED_QUAD.matcher(text).matches());
        if (ipv4) {
            assertThat(ClientAddresses.format(parsed.get()))
                    .as("\"%s\" formatted", text)
                    .isEqualTo(text);
        }
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
