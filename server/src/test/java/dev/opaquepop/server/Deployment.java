package dev.opaquepop.server;

/**
 * The storage an end-to-end test runs against, opened before its first server starts and shared by every server
 * the test starts: embedded (SQLite in the data directory, sessions in memory) or the scale-out one (users and
 * transfers in PostgreSQL; sessions, pending logins and nonces in Redis; each test in a namespace of its own,
 * skipped with a message when PostgreSQL or Redis is not reachable, failed instead when {@code CI=true}).
 */
interface Deployment {
    void open();

    /** Points a server at this storage. */
    void configure(ServerConfig.Builder builder);

    void close() throws Exception;

    static Deployment embedded() {
        return new Deployment() {
            @Override
            public void open() {}

            @Override
            public void configure(ServerConfig.Builder builder) {}

            @Override
            public void close() {}
        };
    }

    static Deployment postgresRedis() {
        return new Deployment() {
            private Namespace namespace;

            @Override
            public void open() {
                SharedInfrastructure.assumeAvailable();
                namespace = SharedInfrastructure.newNamespace();
            }

            @Override
            public void configure(ServerConfig.Builder builder) {
                namespace.configure(builder);
            }

            @Override
            public void close() throws Exception {
                if (namespace != null) {
                    namespace.close();
                }
            }
        };
    }
}
