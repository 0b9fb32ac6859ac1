package dev.opaquepop.server.limit;

import dev.opaquepop.server.address.ClientAddresses;
import java.time.Duration;
import java.util.Optional;

/**
 * The request-rate limits against online guessing and registration abuse.
 *
 * <ul>
 *   <li><b>Logins per username</b> ({@code login_user}): every {@code login/start} takes a token from the
 *       username's bucket whether or not the user exists, so the answer (200, or 429 with its Retry-After) is the
 *       same for both. Tokens are taken at the start, so a guesser who never sends {@code login/finish} still pays;
 *       a successful finish refills the bucket. The tiers of the spec make growing delays, never a lockout.
 *   <li><b>Known addresses</b>: after a successful login from a network (an IPv4 address, an IPv6 /64), that
 *       (username, network) pair draws from a bucket of its own for {@code --known-address-ttl}. Guessing from
 *       anywhere else empties only the shared bucket, so it cannot delay the user where they have logged in before.
 *   <li><b>Logins per client network</b> ({@code login_address}): looser (many users may share an address behind
 *       NAT); a successful login gives its token back, so only failures accumulate.
 *   <li><b>Logins per IPv6 block</b> ({@code login_ipv6_block}): an IPv6 client also takes a token from its
 *       /48's bucket, so a holder of a whole /48 (65,536 /64s) is not given 65,536 address budgets; looser than
 *       the per-address limit, since a site's many users share it. Given back on success like the address's.
 *   <li><b>Registrations per client network</b> ({@code register_address}): {@code register/start} and {@code
 *       register/finish} each take a token.
 *   <li><b>Signed calls per user</b> ({@code call_user}): every signed call that passed its PoP checks counts
 *       against its user's calls in the current second, all sessions together ({@link CallLimits}; the per-session
 *       rate and nonce quota are counted by the nonce store, with the claim).
 * </ul>
 *
 * With {@code --rate-limit off} every check passes ({@link #off()}).
 */
public final class RateLimits {
    public static final String LOGIN_USER = "login_user";
    public static final String LOGIN_ADDRESS = "login_address";
    public static final String LOGIN_IPV6_BLOCK = "login_ipv6_block";
    public static final String REGISTER_ADDRESS = "register_address";

    private final TokenBuckets loginUser;
    private final TokenBuckets loginPair;
    private final TokenBuckets loginAddress;
    private final TokenBuckets loginBlock;
    private final TokenBuckets registerAddress;
    private final KnownAddresses known;
    private final WindowCounters callUser;

    private RateLimits(
            TokenBuckets loginUser,
            TokenBuckets loginPair,
            TokenBuckets loginAddress,
            TokenBuckets loginBlock,
            TokenBuckets registerAddress,
            KnownAddresses known,
            WindowCounters callUser) {
        this.loginUser = loginUser;
        this.loginPair = loginPair;
        this.loginAddress = loginAddress;
        this.loginBlock = loginBlock;
        this.registerAddress = registerAddress;
        this.known = known;
        this.callUser = callUser;
    }

    /**
     * @param knownAddressTtl how long a successful login's network stays known; zero: never remembered
     */
    public static RateLimits of(
            LimitStorage storage,
            LimitSpec loginUser,
            LimitSpec loginAddress,
            LimitSpec loginIpv6Block,
            LimitSpec registerAddress,
            Duration knownAddressTtl,
            CallLimits calls) {
        return new RateLimits(
                storage.buckets("login-user", loginUser),
                storage.buckets("login-known", loginUser),
                storage.buckets("login-address", loginAddress),
                storage.buckets("login-block", loginIpv6Block),
                storage.buckets("register-address", registerAddress),
                knownAddressTtl.isZero() ? null : storage.knownAddresses(knownAddressTtl),
                calls.enabled() ? storage.windowCounters("call-user", calls.perUser(), CallLimits.RATE_WINDOW) : null);
    }

    /** No limits at all ({@code --rate-limit off}, for load tests). */
    public static RateLimits off() {
        return new RateLimits(null, null, null, null, null, null, null);
    }

    public boolean enabled() {
        return loginUser != null;
    }

    /**
     * Counts a {@code login/start} of {@code username} from {@code address} as a failed attempt until {@link
     * #loginSucceeded} says otherwise.
     *
     * @throws RateLimitedException when the username (or the known pair), the address or its IPv6 block is out of
     *     attempts; then nothing is counted
     */
    public void loginStarting(String username, String address) throws RateLimitedException {
        if (!enabled()) {
            return;
        }
        String network = ClientAddresses.network(address);
        boolean pair = isKnown(username, network);
        TokenBuckets userBuckets = pair ? loginPair : loginUser;
        String userSubject = pair ? pairSubject(username, network) : username;
        TokenBuckets.Take user = userBuckets.take(userSubject);
        if (!user.taken()) {
            throw new RateLimitedException(LOGIN_USER, user.retryAfter());
        }
        TokenBuckets.Take byAddress = loginAddress.take(network);
        if (!byAddress.taken()) {
            userBuckets.giveBack(userSubject);
            throw new RateLimitedException(LOGIN_ADDRESS, byAddress.retryAfter());
        }
        Optional<String> block = ClientAddresses.ipv6Block(address);
        if (block.isPresent()) {
            TokenBuckets.Take byBlock = loginBlock.take(block.get());
            if (!byBlock.taken()) {
                loginAddress.giveBack(network);
                userBuckets.giveBack(userSubject);
                throw new RateLimitedException(LOGIN_IPV6_BLOCK, byBlock.retryAfter());
            }
        }
    }

    /**
     * A {@code login/finish} succeeded: the user's bucket (the known pair's, or the shared one) is refilled, the
     * network becomes known for this user, and the network's token comes back.
     */
    public void loginSucceeded(String username, String address) {
        if (!enabled()) {
            return;
        }
        String network = ClientAddresses.network(address);
        if (isKnown(username, network)) {
            loginPair.forget(pairSubject(username, network));
        } else {
            loginUser.forget(username);
        }
        if (known != null) {
            known.remember(username, network);
        }
        loginAddress.giveBack(network);
        ClientAddresses.ipv6Block(address).ifPresent(loginBlock::giveBack);
    }

    /**
     * Counts one registration step ({@code register/start} or {@code register/finish}) from {@code address}.
     *
     * @throws RateLimitedException when the address is out of registrations
     */
    public void registering(String address) throws RateLimitedException {
        if (!enabled()) {
            return;
        }
        TokenBuckets.Take take = registerAddress.take(ClientAddresses.network(address));
        if (!take.taken()) {
            throw new RateLimitedException(REGISTER_ADDRESS, take.retryAfter());
        }
    }

    /**
     * Counts a signed call of {@code username} that passed its PoP checks.
     *
     * @throws RateLimitedException when the user's calls in this second reached the limit
     */
    public void signedCall(String username) throws RateLimitedException {
        if (callUser == null) {
            return;
        }
        TokenBuckets.Take take = callUser.take(username);
        if (!take.taken()) {
            throw new RateLimitedException(CallLimits.CALL_USER, take.retryAfter());
        }
    }

    private boolean isKnown(String username, String network) {
        return known != null && known.isKnown(username, network);
    }

    private static String pairSubject(String username, String network) {
        // Usernames are [A-Za-z0-9._@-]: a space cannot occur in one.
        return username + " " + network;
    }
}
