package dev.opaquepop.server;

/** {@link SignedCallSuite} against PostgreSQL + Redis (failed, not skipped, without them when {@code CI=true}). */
class PostgresRedisSignedCallIT extends SignedCallSuite {
    @Override
    Deployment newDeployment() {
        return Deployment.postgresRedis();
    }
}
