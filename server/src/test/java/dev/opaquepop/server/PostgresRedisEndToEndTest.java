package dev.opaquepop.server;

/**
 * The end-to-end suite against the scale-out deployment: users and transfers in PostgreSQL, sessions, pending
 * logins and nonces in Redis, each test in a namespace of its own. Skipped with a message when PostgreSQL or
 * Redis is not reachable; failed instead when {@code CI=true}.
 */
class PostgresRedisEndToEndTest extends EndToEndSuite {
    private Namespace namespace;

    @Override
    void openStorage() {
        SharedInfrastructure.assumeAvailable();
        namespace = SharedInfrastructure.newNamespace();
    }

    @Override
    void configureStorage(ServerConfig.Builder builder) {
        namespace.configure(builder);
    }

    @Override
    void closeStorage() throws Exception {
        if (namespace != null) {
            namespace.close();
        }
    }
}
