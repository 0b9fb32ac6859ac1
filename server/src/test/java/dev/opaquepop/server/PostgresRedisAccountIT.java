package dev.opaquepop.server;

/** {@link AccountSuite} against PostgreSQL + Redis (failed, not skipped, without them when {@code CI=true}). */
class PostgresRedisAccountIT extends AccountSuite {
    @Override
    Deployment newDeployment() {
        return Deployment.postgresRedis();
    }
}
