package dev.opaquepop.server;

/** {@link SessionSuite} against PostgreSQL + Redis (failed, not skipped, without them when {@code CI=true}). */
class PostgresRedisSessionIT extends SessionSuite {
    @Override
    Deployment newDeployment() {
        return Deployment.postgresRedis();
    }
}
