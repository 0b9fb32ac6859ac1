package dev.opaquepop.server.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * The signed identity assertion on every forwarded request ({@code X-Opaque-Pop-Assertion}): a JWS (EdDSA over
 * Ed25519, RFC 8037) that the upstream verifies with the gateway's public key ({@code /.well-known/jwks.json}),
 * so that it need not trust the network between them. It names the user ({@code sub}), the upstream it is for
 * ({@code aud}), when it was made and for how short a time it holds ({@code iat}, {@code exp}), a unique id
 * ({@code jti}, for upstreams that refuse a second use) and the request it was made for ({@code htm}, {@code
 * htu}: method and target, named as in DPoP, RFC 9449), so that it cannot be moved to another request.
 */
final class IdentityAssertions {
    /** Header the assertion travels in. */
    static final String HEADER = "X-Opaque-Pop-Assertion";
    /** The issuer every assertion names. */
    static final String ISSUER = "opaque-pop-gateway";
    /** How long an assertion holds: long enough for one hop and some clock skew, too short to be worth stealing. */
    static final Duration LIFETIME = Duration.ofSeconds(60);

    private static final JOSEObjectType TYPE = JOSEObjectType.JWT;

    private final GatewayKey key;
    private final String audience;
    private final Clock clock;
    private final SecureRandom random;
    private final SodiumEd25519Signer signer;
    private final JWSHeader header;

    IdentityAssertions(GatewayKey key, String audience, Clock clock, SecureRandom random) {
        this.key = key;
        this.audience = audience;
        this.clock = clock;
        this.random = random;
        this.signer = new SodiumEd25519Signer(key.signingKey());
        this.header = new JWSHeader.Builder(JWSAlgorithm.EdDSA)
                .type(TYPE)
                .keyID(key.keyId())
                .build();
    }

    /** A fresh assertion for {@code user}'s request {@code method target} (target: path and query as sent). */
    String sign(String user, String method, String target) {
        Instant now = clock.instant();
        byte[] id = new byte[16];
        random.nextBytes(id);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(audience)
                .subject(user)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(id))
                .claim("htm", method)
                .claim("htu", target)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing the identity assertion failed", e);
        }
        return jwt.serialize();
    }

    String keyId() {
        return key.keyId();
    }
}
