package dev.opaquepop.server;

/** {@link RegistrationAndLoginSuite} against PostgreSQL + Redis (failed, not skipped, without them when {@code CI=true}). */
class PostgresRedisRegistrationAndLoginIT extends RegistrationAndLoginSuite {
    @Override
    Deployment newDeployment() {
        return Deployment.postgresRedis();
    }
}
