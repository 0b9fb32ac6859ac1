package dev.opaquepop.server.http;

import dev.opaquepop.server.TlsReload;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the keystore ({@link TlsReload}) while the server runs and swaps a new TLS context into the connector's
 * factory: connections opened afterwards get the new certificate, open ones keep theirs.
 */
final class KeystoreWatcher extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(KeystoreWatcher.class);

    private final TlsReload reload;
    private final SslContextFactory.Server factory;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> task;

    KeystoreWatcher(TlsReload reload, SslContextFactory.Server factory) {
        this.reload = reload;
        this.factory = factory;
        // Its thread starts with the first scheduled look, in doStart.
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "opaque-pop-keystore-watcher");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    protected void doStart() {
        long millis = reload.interval().toMillis();
        task = scheduler.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            reload.poll().ifPresent(context -> {
                try {
                    factory.reload(f -> f.setSslContext(context));
                } catch (Exception e) {
                    LOG.warn(
                            "tls: swapping in the reloaded keystore failed, the previous certificate is still"
                                    + " served: {}",
                            e.toString());
                }
            });
        } catch (RuntimeException e) {
            // A failed look must not end the schedule (an exception would cancel every later run).
            LOG.warn("tls: checking the keystore failed: {}", e.toString());
        }
    }

    @Override
    protected void doStop() {
        if (task != null) {
            task.cancel(false);
        }
        scheduler.shutdownNow();
    }
}
