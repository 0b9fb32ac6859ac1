package dev.opaquepop.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opaquepop.opaque.ClientLogin;
import dev.opaquepop.opaque.ClientLoginResult;
import dev.opaquepop.opaque.ClientRegistration;
import dev.opaquepop.opaque.ClientRegistrationResult;
import dev.opaquepop.opaque.Identities;
import dev.opaquepop.opaque.InvalidMessageException;
import dev.opaquepop.opaque.Ke2;
import dev.opaquepop.opaque.Ksf;
import dev.opaquepop.opaque.LoginFailedException;
import dev.opaquepop.opaque.OpaqueClient;
import dev.opaquepop.opaque.OpaqueConfig;
import dev.opaquepop.opaque.OpaqueException;
import dev.opaquepop.opaque.RegistrationRecord;
import dev.opaquepop.opaque.RegistrationResponse;
import dev.opaquepop.opaque.SecretBytes;
import dev.opaquepop.pop.Base64Url;
import dev.opaquepop.pop.LoginPurpose;
import dev.opaquepop.pop.PopHeaders;
import dev.opaquepop.pop.PopKey;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client's side of OPAQUE over HTTP (RFC 9807 §5 and §6): registration, login and password change, each against
 * the checked discovery document, whose server key the registration response and the login must both carry.
 */
final class OpaqueFlows {
    private final Exchange exchange;
    private final SignedTransport transport;
    private final Discovery discovery;
    private final SecureRandom random;
    private final Ksf ksfOverride;
    private final ProgressListener progress;

    OpaqueFlows(
            Exchange exchange,
            SignedTransport transport,
            Discovery discovery,
            SecureRandom random,
            Ksf ksfOverride,
            ProgressListener progress) {
        this.exchange = exchange;
        this.transport = transport;
        this.discovery = discovery;
        this.random = random;
        this.ksfOverride = ksfOverride;
        this.progress = progress;
    }

    /** See {@link OpaquePopClient#register}: {@code /register/start}, the KSF, {@code /register/finish}. */
    void register(String username, byte[] password) throws OpaquePopClientException {
        RegistrationRecord record = registrationRecord(
                password,
                request -> exchange.postJson(
                        "/register/start", Map.of("username", username, "registration_request", request)));
        HttpResponse<byte[]> finished = exchange.send(exchange.jsonPost(
                "/register/finish",
                Map.of("username", username, "registration_record", Base64Url.encode(record.encode()))));
        if (!Responses.isSuccess(finished.statusCode())) {
            throw Responses.problem(finished);
        }
    }

    /** See {@link OpaquePopClient#changePassword}: the same registration, signed with the session. */
    void changePassword(ClientSession session, byte[] newPassword) throws OpaquePopClientException {
        RegistrationRecord record = registrationRecord(
                newPassword,
                request -> Responses.json(transport.send(
                        session, "POST", "/api/password/start", Json.write(Map.of("registration_request", request)))));
        transport.noContent(
                session,
                "POST",
                "/api/password/finish",
                Json.write(Map.of("registration_record", Base64Url.encode(record.encode()))));
    }

    /** Sends the base64url registration request one way or another; answers the JSON with the response. */
    @FunctionalInterface
    private interface RegistrationStart {
        JsonNode send(String registrationRequest) throws OpaquePopClientException;
    }

    /**
     * The client side of an OPAQUE registration (RFC 9807 §5.2) with fresh randomness: blinds {@code password},
     * sends the request through {@code start}, checks the server key of the answer against the advertised one, and
     * returns the record to upload.
     */
    private RegistrationRecord registrationRecord(byte[] password, RegistrationStart start)
            throws OpaquePopClientException {
        ServerInfo info = discovery.serverInfo();
        ClientRegistration registration;
        try {
            registration = new OpaqueClient(config(info), random).startRegistration(password);
        } catch (OpaqueException e) {
            throw new OpaquePopClientException(
                    0, OpaquePopClientException.REGISTRATION_FAILED, "the password could not be blinded");
        }
        JsonNode started = start.send(Base64Url.encode(registration.request().encode()));
        RegistrationResponse response;
        try {
            response = RegistrationResponse.decode(Responses.base64Url(started, "registration_response"));
        } catch (InvalidMessageException e) {
            throw OpaquePopClientException.invalidResponse("registration_response is not a valid OPAQUE message");
        }
        if (!MessageDigest.isEqual(info.serverPublicKey(), response.serverPublicKey())) {
            throw OpaquePopClientException.serverKeyMismatch();
        }
        ClientRegistrationResult result;
        try {
            result = registration.finish(response, Identities.none());
        } catch (OpaqueException e) {
            throw new OpaquePopClientException(
                    0, OpaquePopClientException.REGISTRATION_FAILED, "the registration response was refused");
        }
        result.exportKey().destroy();
        return result.record();
    }

    /** See {@link OpaquePopClient#login(String, byte[], LoginPurpose)}. */
    ClientSession login(String username, byte[] password, LoginPurpose purpose) throws OpaquePopClientException {
        ServerInfo info = discovery.serverInfo();
        OpaqueClient opaque = new OpaqueClient(config(info), random);
        ClientLogin login;
        try {
            login = opaque.startLogin(password);
        } catch (OpaqueException e) {
            throw OpaquePopClientException.loginFailed();
        }
        JsonNode started = exchange.postJson(
                "/login/start",
                Map.of("username", username, "ke1", Base64Url.encode(login.ke1().encode())));
        String loginId = Responses.text(started, "login_id");
        Ke2 ke2;
        try {
            ke2 = Ke2.decode(Responses.base64Url(started, "ke2"));
        } catch (InvalidMessageException e) {
            throw OpaquePopClientException.invalidResponse("ke2 is not a valid OPAQUE message");
        }
        ClientLoginResult result;
        try {
            result = login.finish(ke2, Identities.none());
        } catch (LoginFailedException e) {
            throw OpaquePopClientException.loginFailed();
        }
        SecretBytes sessionKey = result.sessionKey();
        try {
            if (!MessageDigest.isEqual(info.serverPublicKey(), result.serverPublicKey())) {
                throw OpaquePopClientException.serverKeyMismatch();
            }
            Map<String, String> finish = new LinkedHashMap<>();
            finish.put("login_id", loginId);
            finish.put("ke3", Base64Url.encode(result.ke3().encode()));
            if (purpose != LoginPurpose.SIGN_IN) {
                finish.put("purpose", purpose.wireName());
            }
            JsonNode finished = exchange.postJson("/login/finish", finish);
            String sessionId = Responses.sessionId(finished);
            if (!PopHeaders.TOKEN_TYPE.equals(Responses.text(finished, "token_type"))) {
                throw OpaquePopClientException.invalidResponse("token_type must be PoP");
            }
            Instant expiresAt = Responses.epochSeconds(finished, "expires_at");
            return new ClientSession(sessionId, username, PopKey.derive(sessionKey), expiresAt, exchange.baseUri());
        } finally {
            sessionKey.destroy();
            result.exportKey().destroy();
        }
    }

    private OpaqueConfig config(ServerInfo info) {
        Ksf ksf = ksfOverride != null ? ksfOverride : info.ksf();
        return OpaqueConfig.builder()
                .ksf(new ReportingKsf(ksf, progress))
                .context(info.context())
                .build();
    }
}
