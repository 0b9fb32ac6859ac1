package dev.opaquepop.loadgen;

/** One kind of request the load generator repeats, e.g. a full login or a signed {@code GET /api/me}. */
interface Operation {
    /** The label in the report: {@code login}, {@code healthz}, {@code me}, {@code transfer}. */
    String name();

    /**
     * Performs one operation on behalf of worker {@code worker}, returning normally only when the server answered
     * exactly as the protocol says it must.
     *
     * @throws OperationFailedException with a short reason (status and problem code) for anything else
     * @throws InterruptedException when the run is being stopped
     */
    void run(int worker) throws OperationFailedException, InterruptedException;
}
