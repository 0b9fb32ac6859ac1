package dev.opaquepop.server;

import dev.opaquepop.server.limit.CallLimits;
import dev.opaquepop.server.limit.LimitSpec;
import java.time.Duration;

/**
 * The online-guessing and request-rate limits ({@code --rate-limit}, {@code --login-limit-*}, {@code
 * --register-limit-address}, {@code --call-limit-*}).
 *
 * @param rateLimit false with {@code --rate-limit off}: no login, registration or call limits (load tests only)
 * @param loginLimitUser login attempts per username (and per known username and network pair)
 * @param loginLimitAddress login attempts per client network (an IPv4 address, an IPv6 /64)
 * @param loginLimitIpv6Block login attempts per IPv6 /48, beside those per /64
 * @param registerLimitAddress registration steps per client network
 * @param knownAddressTtl how long a network a user logged in from keeps a login bucket of its own; zero: never
 * @param maxRateLimitBuckets the bound of each in-memory limit's buckets (embedded mode; Redis is bounded by key
 *     TTLs and maxmemory)
 * @param callLimits signed calls per session and per user, and nonces per session; off without rate limits
 */
record LimitConfig(
        boolean rateLimit,
        LimitSpec loginLimitUser,
        LimitSpec loginLimitAddress,
        LimitSpec loginLimitIpv6Block,
        LimitSpec registerLimitAddress,
        Duration knownAddressTtl,
        long maxRateLimitBuckets,
        CallLimits callLimits) {

    @Override
    public String toString() {
        return rateLimit
                ? "[loginUser=" + loginLimitUser + ", loginAddress=" + loginLimitAddress + ", loginIpv6Block="
                        + loginLimitIpv6Block + ", registerAddress=" + registerLimitAddress + ", knownAddressTtl="
                        + knownAddressTtl + ", calls=" + callLimits + "]"
                : "off";
    }
}
