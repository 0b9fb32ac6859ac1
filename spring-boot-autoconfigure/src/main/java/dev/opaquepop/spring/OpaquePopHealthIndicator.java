package dev.opaquepop.spring;

import dev.opaquepop.server.Readiness;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The core's readiness as an Actuator health contributor ({@code opaquePop}): up when every store it depends on
 * answers (the database, and Redis when configured), with each one's backend and state; nothing secret.
 */
final class OpaquePopHealthIndicator implements HealthIndicator {
    private final Readiness readiness;

    OpaquePopHealthIndicator(Readiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public Health health() {
        Readiness.Report report = readiness.check();
        Health.Builder health = report.ready() ? Health.up() : Health.down();
        for (Readiness.Check check : report.checks()) {
            health.withDetail(check.role(), check.backend() + " " + (check.up() ? "up" : "down"));
        }
        return health.build();
    }
}
