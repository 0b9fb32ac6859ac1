package dev.opaquepop.server;

/** The scale-out suite against one Redis server (the machine's, or {@code OPAQUE_POP_TEST_REDIS_URL}). */
class ScaleOutIT extends ScaleOutSuite {
    ScaleOutIT() {
        super(RedisUnderTest.single());
    }
}
