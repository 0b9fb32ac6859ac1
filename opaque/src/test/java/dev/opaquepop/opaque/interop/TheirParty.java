package dev.opaquepop.opaque.interop;

import static dev.opaquepop.testfixtures.NodePeer.b64;
import static dev.opaquepop.testfixtures.NodePeer.bytes;
import static dev.opaquepop.testfixtures.NodePeer.unb64;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opaquepop.opaque.Argon2idKsf;
import dev.opaquepop.testfixtures.NodePeer;
import java.util.Optional;

/**
 * opaque-ke 4.0 (its npm/WASM build {@code @serenity-kit/opaque}) as a {@link Party}, through {@link NodePeer}.
 * All strings are UTF-8 on both sides, and the 3DH context is empty, which is all the npm build supports.
 */
final class TheirParty implements Party {
    private final NodePeer peer;

    TheirParty(NodePeer peer) {
        this.peer = peer;
    }

    /** Their spelling of {@code ksf}: no keyStretching (their default) for {@link Argon2idKsf#DEFAULT}. */
    static JsonNode keyStretching(Argon2idKsf ksf) {
        if (ksf.equals(Argon2idKsf.DEFAULT)) {
            return NullNode.getInstance();
        }
        ObjectNode parameters = JsonNodeFactory.instance.objectNode();
        parameters.put("memory", ksf.memoryKib());
        parameters.put("iterations", ksf.iterations());
        parameters.put("parallelism", ksf.parallelism());
        ObjectNode stretching = JsonNodeFactory.instance.objectNode();
        stretching.set("argon2id-custom", parameters);
        return stretching;
    }

    @Override
    public Client client(Argon2idKsf ksf) {
        JsonNode keyStretching = keyStretching(ksf);
        return new Client() {
            @Override
            public RegistrationStart startRegistration(String password) {
                JsonNode started =
                        peer.ok("clientStartRegistration", peer.args().put("password", password));
                return new RegistrationStart() {
                    @Override
                    public byte[] request() {
                        return bytes(started, "registrationRequest");
                    }

                    @Override
                    public Registered finish(byte[] response, Ids ids) {
                        ObjectNode args = peer.args()
                                .put("password", password)
                                .put(
                                        "clientRegistrationState",
                                        started.get("clientRegistrationState").asText())
                                .put("registrationResponse", b64(response));
                        args.set("keyStretching", keyStretching);
                        args.set("identifiers", ids.theirs());
                        JsonNode finished = peer.ok("clientFinishRegistration", args);
                        return new Registered(bytes(finished, "registrationRecord"), bytes(finished, "exportKey"));
                    }
                };
            }

            @Override
            public LoginStart startLogin(String password) {
                JsonNode started = peer.ok("clientStartLogin", peer.args().put("password", password));
                return new LoginStart() {
                    @Override
                    public byte[] ke1() {
                        return bytes(started, "startLoginRequest");
                    }

                    @Override
                    public Optional<LoggedIn> finish(byte[] ke2, Ids ids) {
                        ObjectNode args = peer.args()
                                .put("password", password)
                                .put(
                                        "clientLoginState",
                                        started.get("clientLoginState").asText())
                                .put("loginResponse", b64(ke2));
                        args.set("keyStretching", keyStretching);
                        args.set("identifiers", ids.theirs());
                        // A refused KE2 is ok:true with finished:false (and no key), not an error.
                        JsonNode finished = peer.ok("clientFinishLogin", args);
                        assertThat(finished.path("finished").isBoolean())
                                .as("their client says whether it finished")
                                .isTrue();
                        if (!finished.path("finished").asBoolean()) {
                            assertThat(finished.has("sessionKey"))
                                    .as("no session key after a failed login")
                                    .isFalse();
                            return Optional.empty();
                        }
                        return Optional.of(new LoggedIn(
                                bytes(finished, "finishLoginRequest"),
                                bytes(finished, "sessionKey"),
                                bytes(finished, "exportKey"),
                                bytes(finished, "serverStaticPublicKey")));
                    }
                };
            }
        };
    }

    @Override
    public Server server(byte[] setup) {
        String encoded = b64(setup);
        byte[] publicKey = bytes(peer.ok("serverPublicKey", peer.args().put("setup", encoded)), "publicKey");
        return new Server() {
            @Override
            public byte[] publicKey() {
                return publicKey.clone();
            }

            @Override
            public byte[] registrationResponse(String user, byte[] request) {
                JsonNode response = peer.ok(
                        "serverRegistrationResponse",
                        peer.args()
                                .put("setup", encoded)
                                .put("userIdentifier", user)
                                .put("registrationRequest", b64(request)));
                return bytes(response, "registrationResponse");
            }

            @Override
            public LoginStarted startLogin(String user, byte[] record, byte[] ke1, Ids ids) {
                ObjectNode args = peer.args()
                        .put("setup", encoded)
                        .put("userIdentifier", user)
                        .put("startLoginRequest", b64(ke1));
                if (record != null) {
                    args.put("registrationRecord", b64(record));
                }
                args.set("identifiers", ids.theirs());
                JsonNode started = peer.ok("serverStartLogin", args);
                return new LoginStarted() {
                    @Override
                    public byte[] ke2() {
                        return bytes(started, "loginResponse");
                    }

                    @Override
                    public Optional<byte[]> finish(byte[] ke3) {
                        ObjectNode finishArgs = peer.args()
                                .put(
                                        "serverLoginState",
                                        started.get("serverLoginState").asText())
                                .put("finishLoginRequest", b64(ke3));
                        finishArgs.set("identifiers", ids.theirs());
                        JsonNode finished = peer.call("serverFinishLogin", finishArgs);
                        if (!finished.path("ok").asBoolean(false)) {
                            assertThat(finished.path("error").asText(""))
                                    .as("their server says why it refused the KE3")
                                    .isNotBlank();
                            return Optional.empty();
                        }
                        return Optional.of(bytes(finished, "sessionKey"));
                    }
                };
            }
        };
    }

    @Override
    public byte[] createSetup() {
        return unb64(peer.ok("createSetup", peer.args()).get("setup").asText());
    }

    @Override
    public String toString() {
        return "theirs";
    }
}
