package dev.opaquepop.server.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.opaque.ClientRegistration;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.Ksf;
import dev.opaquepop.opaque.OpaqueClient;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.OpaqueServer;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.ServerSetup;
import dev.opaquepop.server.Namespace;
import dev.opaquepop.server.SharedInfrastructure;
import dev.opaquepop.server.demo.TransferStore.Outcome;
import dev.opaquepop.server.store.RecordTag;
import dev.opaquepop.server.store.jdbc.ConnectionSource;
import dev.opaquepop.server.store.jdbc.JdbcUserStore;
import dev.opaquepop.server.store.postgres.PostgresDatabase;
import dev.opaquepop.server.store.sqlite.SqliteDatabase;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transfer lands only under the registration its session was made with (issue: a transfer racing the sender's
 * deletion could land under the deleted name, to be seen by whoever registered it next). The booking checks the
 * sender's record in its own transaction, and the schema ties every transfer to an existing sender. Both
 * databases; the race is played in its worst order, deterministically: the deletion commits first.
 */
class TransferSenderTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final OpaqueConfig CHEAP =
            OpaqueConfig.builder().ksf(Ksf.identityUnsafeForTestsOnly()).build();
    private static final OpaqueServer OPAQUE = new OpaqueServer(CHEAP, ServerSetup.generate(RANDOM), RANDOM);

    @Test
    void sqlite(@TempDir Path data) throws Exception {
        try (SqliteDatabase database = SqliteDatabase.open(data)) {
            check(database);
        }
    }

    @Test
    void postgresql() throws Exception {
        SharedInfrastructure.assumeAvailable();
        try (Namespace namespace = SharedInfrastructure.newNamespace();
                PostgresDatabase database = PostgresDatabase.open(
                        namespace.dbUrl(),
                        SharedInfrastructure.DB_USER,
                        SharedInfrastructure.DB_PASSWORD,
                        2,
                        Duration.ofSeconds(5),
                        "test postgresql")) {
            check(database);
        }
    }

    private static void check(ConnectionSource database) throws Exception {
        JdbcUserStore users = new JdbcUserStore(database);
        TransferStore transfers = new TransferStore(database);

        RegistrationRecord first = record("alice");
        users.insert("alice", first, Instant.EPOCH);
        RecordTag session = RecordTag.of(first);
        assertThat(transfers.insert(transfer("alice"), session)).isEqualTo(Outcome.BOOKED);

        RegistrationRecord second = record("alice");
        users.replace("alice", first, second);
        assertThat(transfers.insert(transfer("alice"), session))
                .as("after a password change")
                .isEqualTo(Outcome.REGISTRATION_ENDED);

        users.delete("alice", second);
        assertThat(transfers.insert(transfer("alice"), RecordTag.of(second)))
                .as("after the deletion")
                .isEqualTo(Outcome.REGISTRATION_ENDED);
        users.insert("alice", record("alice"), Instant.EPOCH);
        assertThat(transfers.insert(transfer("alice"), RecordTag.of(second)))
                .as("after the name was registered again")
                .isEqualTo(Outcome.REGISTRATION_ENDED);
        assertThat(transfers.listFrom("alice", 10)).as("the newcomer's history").isEmpty();

        // The schema itself: no transfer without its sender, and a sender's transfers go with the sender.
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO transfers"
                            + " (id, from_user, to_user, amount_cents, session_hash, nonce, created_at)"
                            + " VALUES ('t-ghost', 'ghost', 'bob', 100, 'h', 'n', 0)"))
                    .isInstanceOf(SQLException.class);
            users.insert("carol", record("carol"), Instant.EPOCH);
            assertThat(transfers.insert(
                            transfer("carol"), RecordTag.of(users.find("carol").orElseThrow())))
                    .isEqualTo(Outcome.BOOKED);
            statement.executeUpdate("DELETE FROM users WHERE username = 'carol'");
            assertThat(transfers.listFrom("carol", 10)).isEmpty();
        }
    }

    private static Transfer transfer(String from) {
        return new Transfer(
                UUID.randomUUID().toString(),
                from,
                "bob",
                100,
                "session-hash",
                UUID.randomUUID().toString(),
                Instant.EPOCH);
    }

    private static RegistrationRecord record(String username) throws Exception {
        ClientRegistration registration =
                new OpaqueClient(CHEAP, RANDOM).startRegistration(("pw-" + RANDOM.nextInt()).getBytes(UTF_8));
        return registration
                .finish(
                        OPAQUE.registrationResponse(registration.request(), username.getBytes(UTF_8)),
                        Identities.none())
                .record();
    }
}
