package dev.opaquepop.server;

/**
 * The Redis stores' suite against a Redis Cluster started for it: a script or command naming keys of two hash
 * slots would fail here ({@code CROSSSLOT}), and a user's sessions, spread over several primaries, are still
 * listed, capped and ended together.
 */
class ClusterRedisStoresIT extends RedisStoresSuite {
    ClusterRedisStoresIT() {
        super(RedisUnderTest.cluster());
    }
}
