package dev.opaquepop.server;

/** {@link LimitSuite} against PostgreSQL + Redis (failed, not skipped, without them when {@code CI=true}). */
class PostgresRedisLimitIT extends LimitSuite {
    @Override
    Deployment newDeployment() {
        return Deployment.postgresRedis();
    }
}
