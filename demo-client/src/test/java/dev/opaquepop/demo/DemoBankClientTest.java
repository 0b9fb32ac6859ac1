package dev.opaquepop.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.client.OpaquePopClientException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How the demo bank's answers are read (the calls themselves run against the real server in the server's
 * end-to-end suite and the CLI's tests): strictly, every error {@code invalid_response} naming the field.
 */
class DemoBankClientTest {
    @Test
    void receipts_listing_keepsTheServersOrderWithTimes() throws Exception {
        List<TransferReceipt> receipts = DemoBankClient.receipts(DemoBankClient.object(bytes("{\"transfers\":["
                + "{\"transfer_id\":\"t1\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":\"12.50\",\"created_at\":7},"
                + "{\"transfer_id\":\"t2\",\"from\":\"alice\",\"to\":\"carol\",\"amount\":\"3.00\",\"created_at\":9}"
                + "]}")));

        assertThat(receipts)
                .containsExactly(
                        new TransferReceipt("t1", "alice", "bob", "12.50", Optional.of(Instant.ofEpochSecond(7))),
                        new TransferReceipt("t2", "alice", "carol", "3.00", Optional.of(Instant.ofEpochSecond(9))));
    }

    @Test
    void receipt_ofABooking_mayLackItsTime() throws Exception {
        TransferReceipt receipt = DemoBankClient.receipt(
                DemoBankClient.object(
                        bytes("{\"transfer_id\":\"t1\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":\"12.50\"}")),
                false);
        assertThat(receipt.amount()).isEqualTo("12.50");
        assertThat(receipt.createdAt()).isEmpty();
    }

    @Test
    void receipts_itemWithoutItsTime_invalidResponseNamingTheField() {
        assertInvalid(
                () -> DemoBankClient.receipts(DemoBankClient.object(bytes(
                        "{\"transfers\":[{\"transfer_id\":\"t1\",\"from\":\"a\",\"to\":\"b\",\"amount\":\"1\"}]}"))),
                "field \"created_at\" must be an integer");
    }

    @Test
    void receipt_amountAsANumber_invalidResponseWithoutTheValue() {
        assertInvalid(
                () -> DemoBankClient.receipt(
                        DemoBankClient.object(
                                bytes("{\"transfer_id\":\"t1\",\"from\":\"a\",\"to\":\"b\",\"amount\":12.5}")),
                        false),
                "field \"amount\" must be a string");
    }

    @Test
    void object_malformedOrDuplicatedOrNotAnObject_invalidResponse() {
        assertInvalid(() -> DemoBankClient.object(bytes("{\"transfers\":")), "not valid JSON");
        assertInvalid(() -> DemoBankClient.object(bytes("{\"to\":\"a\",\"to\":\"b\"}")), "not valid JSON");
        assertInvalid(() -> DemoBankClient.object(bytes("[]")), "not a JSON object");
        assertInvalid(
                () -> DemoBankClient.receipts(DemoBankClient.object(bytes("{\"transfers\":{}}"))),
                "field \"transfers\" must be an array");
    }

    private static void assertInvalid(ThrowingCall call, String detail) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
            assertThat(e.code()).isEqualTo(OpaquePopClientException.INVALID_RESPONSE);
            assertThat(e.title()).hasValue(detail);
        });
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }

    private static byte[] bytes(String json) {
        return json.getBytes(UTF_8);
    }
}
