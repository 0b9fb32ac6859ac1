package dev.opaquepop.server;

/** The scale-out suite against one Redis server (the machine's, or {@code OPAQUE_POP_TEST_REDIS_URL}). */
class ScaleOutTest extends ScaleOutSuite {
    @Override
    boolean available() {
        return SharedInfrastructure.available();
    }

    @Override
    void assumeAvailable() {
        SharedInfrastructure.assumeAvailable();
    }

    @Override
    Namespace openNamespace() {
        return SharedInfrastructure.newNamespace();
    }

    @Override
    String sessionsBackend() {
        return "redis";
    }
}
