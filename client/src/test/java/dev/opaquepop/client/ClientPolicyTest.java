package dev.opaquepop.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.pop.Base64Url;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the client refuses before it stretches or sends a password: Argon2id parameters outside its policy, plain
 * HTTP to another machine, a server whose key or KSF changed since the first contact or differs from a pin, and a
 * server that does not say what its key and KSF are. Each refusal happens before any request that carries
 * something derived from the password (the fake server records every path it was asked for).
 */
class ClientPolicyTest {
    private static final byte[] PASSWORD = "correct horse battery staple".getBytes(UTF_8);
    private static final List<String> WELL_KNOWN_ONLY = List.of("/.well-known/opaque-pop");

    private FakeServer server;

    @BeforeEach
    void start() throws IOException {
        server = new FakeServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theDefaultPolicy_refusesTheFakeServersCheapKsf_beforeAnyPasswordIsUsed() throws Exception {
        try (OpaquePopClient client = OpaquePopClient.builder(server.uri()).build()) {
            assertRefused(() -> client.register("alice", PASSWORD), "weak_ksf", "memory 1024 KiB", "65536 KiB");
            assertRefused(() -> client.login("alice", PASSWORD), "weak_ksf", "memory 1024 KiB");
        }
        assertThat(server.paths).containsOnly("/.well-known/opaque-pop");
    }

    @Test
    void eachParameter_isCheckedAndNamed() throws Exception {
        assertKsfRefused(65536, 2, 4, "weak_ksf", "iterations 2");
        assertKsfRefused(KsfPolicy.MAX_MEMORY_KIB + 1, 3, 4, "ksf_too_costly", "memory 1048577 KiB");
        assertKsfRefused(Integer.MAX_VALUE, 3, 4, "ksf_too_costly", "memory 2147483647 KiB");
        assertKsfRefused(65536, 17, 4, "ksf_too_costly", "iterations 17");
        assertKsfRefused(65536, Integer.MAX_VALUE, 4, "ksf_too_costly", "iterations 2147483647");
        assertKsfRefused(65536, 3, 17, "ksf_too_costly", "parallelism 17");
    }

    @Test
    void theProtocolDefaultAndStrongerSettings_pass() throws Exception {
        KsfPolicy policy = KsfPolicy.recommended();
        policy.check(Argon2idKsf.DEFAULT);
        policy.check(Argon2idKsf.of(65536, 3, 1)); // fewer lanes cost a guesser no less
        policy.check(Argon2idKsf.of(262144, 4, 8));
    }

    @Test
    void anInsecureFloor_isAnExplicitChoice() throws Exception {
        try (OpaquePopClient client = OpaquePopClient.builder(server.uri())
                .ksfPolicy(KsfPolicy.insecureFloor(1024, 1))
                .build()) {
            client.register("alice", PASSWORD);
            client.login("alice", PASSWORD);
        }
        assertThatThrownBy(() -> KsfPolicy.insecureFloor(4, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void plainHttp_toAnotherMachine_isRefusedUnlessAllowed() {
        for (String remote : List.of(
                "http://bank.example",
                "http://10.0.0.7:8080",
                "http://127.0.0.1.nip.io",
                "http://[::2]",
                "http://[2001:db8::1]",
                "HTTP://bank.example")) {
            assertThatThrownBy(() -> OpaquePopClient.builder(URI.create(remote)).build())
                    .as(remote)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refusing plain http://");
            OpaquePopClient.builder(URI.create(remote))
                    .insecurePlainHttp()
                    .build()
                    .close();
        }
        for (String fine : List.of(
                "https://bank.example",
                "http://127.0.0.1:8080",
                "http://127.1.2.3",
                "http://localhost:8080",
                "http://LOCALHOST",
                "http://[::1]:8080",
                "http://[0:0:0:0:0:0:0:1]")) {
            OpaquePopClient.builder(URI.create(fine)).build().close();
        }
    }

    @Test
    void discovery_failsClosed_whenTheDocumentIsMissing() throws Exception {
        server.advertise = false;
        try (OpaquePopClient client = cheapClient(KnownServers.inMemory())) {
            assertRefused(() -> client.register("alice", PASSWORD), "discovery_failed", "/.well-known/opaque-pop");
            assertRefused(() -> client.login("alice", PASSWORD), "discovery_failed");
        }
        assertThat(server.paths).containsOnly("/.well-known/opaque-pop");
    }

    @Test
    void discovery_failsClosed_whenNoServerAnswers() throws Exception {
        URI gone = server.uri();
        server.close();
        try (OpaquePopClient client = OpaquePopClient.builder(gone)
                .ksfPolicy(OpaquePopClientTest.CHEAP)
                .build()) {
            assertRefused(() -> client.login("alice", PASSWORD), "discovery_failed", "no answer");
        }
    }

    @Test
    void trustOnFirstUse_refusesAnotherKeyLater() throws Exception {
        KnownServers known = aliceRegisteredAtFirstContact();
        assertThat(known.find(server.uri())).isPresent();
        byte[] other = server.serverPublicKey();
        other[5] ^= 1;
        server.advertisedKey = other;

        try (OpaquePopClient later = cheapClient(known)) {
            assertRefused(() -> later.login("alice", PASSWORD), "server_key_mismatch", "than at first contact");
            assertRefused(() -> later.register("bob", PASSWORD), "server_key_mismatch");
        }
        // One discovery per call (a refused document is not cached), and nothing else.
        assertThat(server.paths).containsExactly("/.well-known/opaque-pop", "/.well-known/opaque-pop");
    }

    @Test
    void trustOnFirstUse_refusesAnotherKsfLater() throws Exception {
        KnownServers known = aliceRegisteredAtFirstContact();
        server.iterations = 2;

        try (OpaquePopClient later = cheapClient(known)) {
            assertRefused(() -> later.login("alice", PASSWORD), "server_changed", "t=2");
        }
        assertThat(server.paths).isEqualTo(WELL_KNOWN_ONLY);
    }

    @Test
    void aPinnedKey_isRequiredFromTheFirstContact() throws Exception {
        byte[] wrong = server.serverPublicKey();
        wrong[0] ^= 1;
        try (OpaquePopClient pinnedWrong = OpaquePopClient.builder(server.uri())
                .ksfPolicy(OpaquePopClientTest.CHEAP)
                .pinServerKey(wrong)
                .build()) {
            assertRefused(() -> pinnedWrong.register("alice", PASSWORD), "server_key_mismatch", "pinned");
        }
        assertThat(server.paths).isEqualTo(WELL_KNOWN_ONLY);
        try (OpaquePopClient pinnedRight = OpaquePopClient.builder(server.uri())
                .ksfPolicy(OpaquePopClientTest.CHEAP)
                .pinServerKey(server.serverPublicKey())
                .build()) {
            pinnedRight.register("alice", PASSWORD);
            pinnedRight.login("alice", PASSWORD);
        }
        assertThatThrownBy(() -> OpaquePopClient.builder(server.uri()).pinServerKey(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKnownServersFile_isOwnerOnly_andRemembersAcrossClients(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state").resolve("known-servers.json");
        try (OpaquePopClient first = cheapClient(KnownServers.file(file))) {
            first.register("alice", PASSWORD);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(KnownServers.file(file).find(server.uri()))
                .hasValue(new KnownServer(server.serverPublicKey(), Argon2idKsf.of(FakeServer.MEMORY_KIB, 1, 1)));

        byte[] other = server.serverPublicKey();
        other[31] ^= 1;
        server.advertisedKey = other;
        try (OpaquePopClient later = cheapClient(KnownServers.file(file))) {
            assertRefused(() -> later.login("alice", PASSWORD), "server_key_mismatch");
        }
    }

    @Test
    void aDamagedKnownServersFile_isAnError_notAFirstContact(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("known-servers.json");
        Files.writeString(file, "{\"format\": \"opaque-pop-known-servers-v1\", \"servers\": {\"x\": 1}}");
        try (OpaquePopClient client = cheapClient(KnownServers.file(file))) {
            assertRefused(() -> client.register("alice", PASSWORD), "known_servers_error", "damaged");
        }
        assertThat(server.paths).isEqualTo(WELL_KNOWN_ONLY);
    }

    @Test
    void aKsfParameterBeyondTheCeiling_isRefusedWhileTheDocumentIsRead_evenWithAKsfOverride() throws Exception {
        // More than an int holds: before the bound this was a malformed document, not a named parameter.
        assertKsfRefused(1L << 40, 3, 4, "ksf_too_costly", "memory 1099511627776 KiB", "at most 1048576 KiB");
        // A client that stretches with its own KSF still stores the advertised one: it must be sane too.
        server.memoryKib = KsfPolicy.MAX_MEMORY_KIB * 2L;
        server.paths.clear();
        try (OpaquePopClient client = OpaquePopClient.builder(server.uri())
                .ksfOverride(dev.opaquepop.opaque.Ksf.identityUnsafeForTestsOnly())
                .build()) {
            assertRefused(() -> client.register("alice", PASSWORD), "ksf_too_costly", "memory 2097152 KiB");
        }
        assertThat(server.paths).isEqualTo(WELL_KNOWN_ONLY);
    }

    @Test
    void discovery_failsClosed_onAMalformedDocument_evenWithAStoredKey() throws Exception {
        KnownServers known = aliceRegisteredAtFirstContact();
        for (String body : List.of("{", "[]", "{\"protocol\": \"opaque-pop-v1\"}")) {
            server.wellKnownBody = body;
            try (OpaquePopClient later = cheapClient(known)) {
                assertRefused(() -> later.login("alice", PASSWORD), "invalid_response", "/.well-known/opaque-pop");
            }
        }
        assertThat(server.paths).containsOnly("/.well-known/opaque-pop");
    }

    @Test
    void aPin_overridesWhatTrustOnFirstUseStored() throws Exception {
        // The first contact reached an impostor; the user then got the real key from the operator.
        byte[] impostor = server.serverPublicKey();
        impostor[7] ^= 1;
        KnownServers known = KnownServers.inMemory();
        known.remember(server.uri(), new KnownServer(impostor, Argon2idKsf.of(FakeServer.MEMORY_KIB, 1, 1)));
        try (OpaquePopClient pinned = pinnedClient(known, server.serverPublicKey())) {
            pinned.register("alice", PASSWORD);
        }
        assertThat(known.find(server.uri()))
                .hasValue(new KnownServer(server.serverPublicKey(), Argon2idKsf.of(FakeServer.MEMORY_KIB, 1, 1)));
        // Later clients without the pin now trust the pinned key.
        try (OpaquePopClient later = cheapClient(known)) {
            later.login("alice", PASSWORD);
        }
    }

    @Test
    void aPin_stillRefusesAKsfChangedBehindTheSameKey() throws Exception {
        KnownServers known = aliceRegisteredAtFirstContact();
        server.iterations = 2;
        try (OpaquePopClient pinned = pinnedClient(known, server.serverPublicKey())) {
            assertRefused(() -> pinned.login("alice", PASSWORD), "server_changed", "t=2");
        }
    }

    @Test
    void spellingsOfOneServer_shareOneEntry() throws Exception {
        assertThat(KnownServers.identity(URI.create("HTTPS://Bank.Example:443/")))
                .isEqualTo(URI.create("https://bank.example"));
        assertThat(KnownServers.identity(URI.create("http://H:80/App/"))).isEqualTo(URI.create("http://h/App"));
        assertThat(KnownServers.identity(URI.create("https://h:8443"))).isEqualTo(URI.create("https://h:8443"));
        assertThat(KnownServers.identity(URI.create("http://h:443"))).isEqualTo(URI.create("http://h:443"));
        assertThat(KnownServers.identity(URI.create("http://[::1]:80"))).isEqualTo(URI.create("http://[::1]"));

        // Stored under another spelling of the fake server's address, another key: refused, not a first contact.
        byte[] other = server.serverPublicKey();
        other[3] ^= 1;
        URI spelled = URI.create("HTTP://127.0.0.1:" + server.uri().getPort() + "/");
        KnownServers known = KnownServers.inMemory();
        known.remember(spelled, new KnownServer(other, Argon2idKsf.of(FakeServer.MEMORY_KIB, 1, 1)));
        try (OpaquePopClient client = cheapClient(known)) {
            assertRefused(() -> client.register("alice", PASSWORD), "server_key_mismatch");
        }
        assertThat(server.paths).isEqualTo(WELL_KNOWN_ONLY);
    }

    @Test
    void forgettingAServer_makesTheNextContactAFirstContact(@TempDir Path dir) throws Exception {
        KnownServers known = KnownServers.file(dir.resolve("known-servers.json"));
        try (OpaquePopClient first = cheapClient(known)) {
            first.register("alice", PASSWORD);
        }
        byte[] replaced = server.serverPublicKey();
        replaced[9] ^= 1;
        server.advertisedKey = replaced;
        try (OpaquePopClient later = cheapClient(known)) {
            assertRefused(() -> later.serverInfo(), "server_key_mismatch", "forget the server");
        }

        assertThat(known.forget(URI.create(server.uri() + "/"))).isTrue();
        assertThat(known.forget(server.uri())).isFalse();
        try (OpaquePopClient afterForgetting = cheapClient(known)) {
            assertThat(afterForgetting.serverInfo().serverPublicKey()).isEqualTo(replaced);
        }
        assertThat(known.find(server.uri()))
                .hasValueSatisfying(k -> assertThat(k.publicKey()).isEqualTo(replaced));
        KnownServers memory = KnownServers.inMemory();
        memory.remember(server.uri(), new KnownServer(replaced, Argon2idKsf.DEFAULT));
        assertThat(memory.forget(server.uri())).isTrue();
        assertThat(memory.find(server.uri())).isEmpty();
    }

    @Test
    void aKnownServersFile_readsEachEntryAsTheServerItNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("known-servers.json");
        byte[] other = server.serverPublicKey();
        other[2] ^= 1;
        String spelled = "HTTP://127.0.0.1:" + server.uri().getPort() + "/";
        Files.writeString(file, knownServersJson(entry(spelled, other)));
        try (OpaquePopClient client = cheapClient(KnownServers.file(file))) {
            assertRefused(() -> client.register("alice", PASSWORD), "server_key_mismatch");
        }
        Files.writeString(
                file,
                knownServersJson(
                        entry(spelled, other) + ", " + entry(server.uri().toString(), server.serverPublicKey())));
        try (OpaquePopClient client = cheapClient(KnownServers.file(file))) {
            assertRefused(() -> client.register("alice", PASSWORD), "known_servers_error", "disagree");
        }
        assertThat(server.paths).containsOnly("/.well-known/opaque-pop");
    }

    @Test
    void aStoredKeyOfTheWrongLength_isADamagedFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("known-servers.json");
        Files.writeString(file, knownServersJson(entry(server.uri().toString(), new byte[3])));
        try (OpaquePopClient client = cheapClient(KnownServers.file(file))) {
            assertRefused(() -> client.register("alice", PASSWORD), "known_servers_error", "not 32 bytes");
        }
    }

    private static String knownServersJson(String entries) {
        return "{\"format\": \"opaque-pop-known-servers-v1\", \"servers\": {" + entries + "}}";
    }

    /** One server's entry, with the fake server's KSF. */
    private static String entry(String server, byte[] key) {
        return "\"" + server + "\": {\"server_public_key\": \"" + Base64Url.encode(key)
                + "\", \"ksf\": {\"algorithm\": \"argon2id\", \"memory_kib\": 1024, \"iterations\": 1,"
                + " \"parallelism\": 1}}";
    }

    /** An in-memory store after alice registered at the first contact; the fake server's log starts afresh. */
    private KnownServers aliceRegisteredAtFirstContact() throws OpaquePopClientException {
        KnownServers known = KnownServers.inMemory();
        try (OpaquePopClient first = cheapClient(known)) {
            first.register("alice", PASSWORD);
        }
        server.paths.clear();
        return known;
    }

    private OpaquePopClient pinnedClient(KnownServers known, byte[] key) {
        return OpaquePopClient.builder(server.uri())
                .ksfPolicy(OpaquePopClientTest.CHEAP)
                .knownServers(known)
                .pinServerKey(key)
                .build();
    }

    private OpaquePopClient cheapClient(KnownServers known) {
        return OpaquePopClient.builder(server.uri())
                .ksfPolicy(OpaquePopClientTest.CHEAP)
                .knownServers(known)
                .build();
    }

    private void assertKsfRefused(long memory, int iterations, int parallelism, String code, String... named)
            throws Exception {
        server.memoryKib = memory;
        server.iterations = iterations;
        server.parallelism = parallelism;
        server.paths.clear();
        try (OpaquePopClient client = OpaquePopClient.builder(server.uri()).build()) {
            assertRefused(() -> client.register("alice", PASSWORD), code, named);
        }
        assertThat(server.paths).isEqualTo(WELL_KNOWN_ONLY);
    }

    private static void assertRefused(ThrowingCallable call, String code, String... messageParts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(OpaquePopClientException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            if (messageParts.length > 0) {
                assertThat(e.getMessage()).contains(messageParts);
            }
        });
    }
}
