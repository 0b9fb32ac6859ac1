package dev.opaquepop.server;

/**
 * The scale-out suite with sessions, pending logins, nonces and limits in a Redis Cluster (three primaries, three
 * replicas) started for it: every guarantee holds when the keys are spread over several primaries.
 */
class ClusterScaleOutIT extends ScaleOutSuite {
    ClusterScaleOutIT() {
        super(RedisUnderTest.cluster());
    }
}
