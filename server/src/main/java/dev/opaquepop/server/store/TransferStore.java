package dev.opaquepop.server.store;

import java.util.List;

/** Durable transfers. {@code (sessionHash, nonce)} is unique, so one signed request books at most once. */
public interface TransferStore {
    /**
     * Records a transfer durably before returning.
     *
     * @return false when a transfer with the same session and nonce already exists (a replay)
     */
    boolean insert(Transfer transfer);

    /** The user's outgoing transfers, oldest first, at most {@code limit}. */
    List<Transfer> listFrom(String username, int limit);
}
