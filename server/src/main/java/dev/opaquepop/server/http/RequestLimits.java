package dev.opaquepop.server.http;

import dev.opaquepop.server.Metrics;
import java.time.Clock;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The first handler every request meets, in front of Javalin: refuses a request target longer than the limit
 * (414) and a request over its connection's rate (429), each as problem details, before any routing or body
 * reading. Header size is bounded earlier still, by Jetty's parser (431).
 *
 * <p>The rate is a token bucket per connection (HTTP/1.1 or HTTP/2, where it covers all streams), kept as an
 * attribute of the connection so it lives and dies with it; time comes from the server's {@link Clock}.
 */
final class RequestLimits extends Handler.Wrapper {
    private static final String BUCKET_ATTRIBUTE = "opaque-pop.connection-rate";

    private final int maxUriLength;
    private final int requestsPerSecond;
    private final Clock clock;
    private final Metrics metrics;

    RequestLimits(int maxUriLength, int requestsPerSecond, Clock clock, Metrics metrics) {
        this.maxUriLength = maxUriLength;
        this.requestsPerSecond = requestsPerSecond;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String target = request.getHttpURI().getPathQuery();
        if (target != null && target.length() > maxUriLength) {
            metrics.transportRejected("uri_too_long");
            TransportProblems.write(response, callback, TransportProblems.uriTooLong(maxUriLength));
            return true;
        }
        if (requestsPerSecond > 0) {
            TokenBucket bucket = bucket(request.getConnectionMetaData());
            long waitMillis = bucket.take(clock.millis());
            if (waitMillis > 0) {
                metrics.transportRejected("too_many_requests");
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(Math.ceilDiv(waitMillis, 1000L)));
                TransportProblems.write(response, callback, TransportProblems.tooManyRequests());
                return true;
            }
        }
        return super.handle(request, response, callback);
    }

    private TokenBucket bucket(ConnectionMetaData connection) {
        Object existing = connection.getAttribute(BUCKET_ATTRIBUTE);
        if (existing instanceof TokenBucket bucket) {
            return bucket;
        }
        // HTTP/2 streams of one connection may arrive together: create the bucket once.
        Connection lock = connection.getConnection();
        synchronized (lock == null ? connection : lock) {
            existing = connection.getAttribute(BUCKET_ATTRIBUTE);
            if (existing instanceof TokenBucket bucket) {
                return bucket;
            }
            TokenBucket bucket = new TokenBucket(requestsPerSecond, clock.millis());
            connection.setAttribute(BUCKET_ATTRIBUTE, bucket);
            return bucket;
        }
    }

    /** {@code rate} tokens per second, at most {@code rate} saved up; one request takes one token. */
    static final class TokenBucket {
        private final int rate;
        private double tokens;
        private long lastMillis;

        TokenBucket(int rate, long nowMillis) {
            this.rate = rate;
            this.tokens = rate;
            this.lastMillis = nowMillis;
        }

        /** Takes a token and returns 0, or returns how many milliseconds until one is available. */
        synchronized long take(long nowMillis) {
            if (nowMillis > lastMillis) {
                tokens = Math.min(rate, tokens + (nowMillis - lastMillis) * rate / 1000.0);
                lastMillis = nowMillis;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) * 1000.0 / rate));
        }
    }
}
