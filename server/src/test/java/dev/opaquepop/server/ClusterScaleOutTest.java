package dev.opaquepop.server;

/**
 * The scale-out suite with sessions, pending logins, nonces and limits in a Redis Cluster (three primaries, three
 * replicas) started for it: every guarantee holds when the keys are spread over several primaries.
 */
class ClusterScaleOutTest extends ScaleOutSuite {
    private LocalRedisCluster cluster;

    @Override
    boolean available() {
        return SharedInfrastructure.available() && LocalRedisCluster.available();
    }

    @Override
    void assumeAvailable() {
        SharedInfrastructure.assumeAvailable();
        LocalRedisCluster.assumeAvailable();
    }

    @Override
    Namespace openNamespace() throws Exception {
        cluster = LocalRedisCluster.start();
        return Namespace.inCluster(cluster.seeds());
    }

    @Override
    void closeStorage() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String sessionsBackend() {
        return "redis-cluster";
    }
}
