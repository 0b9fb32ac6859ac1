package dev.opaquepop.loadgen;

import java.security.SecureRandom;
import java.time.Duration;

/**
 * What a run of {@code bench logins} or {@code calls} needs besides the servers.
 *
 * @param replayProbes pairs of identical signed requests to send after each level
 * @param prime the unmeasured run of each operation at the highest level before the first, or zero
 */
record Context(
        Progress progress,
        Scheduler scheduler,
        ReplayProbe probe,
        SecureRandom random,
        int replayProbes,
        Duration prime) {

    /** The priming run of one operation on one server, when {@code --prime} is set. */
    void prime(Server server, Operation operation) throws InterruptedException {
        scheduler.unmeasured(server.name() + " " + operation.name() + " priming", operation, prime);
    }
}
