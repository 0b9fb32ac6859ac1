package dev.opaquepop.server;

/** The Redis stores' suite against one Redis server (the machine's, or {@code OPAQUE_POP_TEST_REDIS_URL}). */
class RedisStoresIT extends RedisStoresSuite {
    RedisStoresIT() {
        super(RedisUnderTest.single());
    }
}
