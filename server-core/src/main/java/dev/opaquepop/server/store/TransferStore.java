package dev.opaquepop.server.store;

import java.util.List;

/** Durable transfers. {@code (sessionHash, nonce)} is unique, so one signed request books at most once. */
public interface TransferStore {
    /** What became of a transfer. */
    enum Outcome {
        /** Recorded durably. */
        BOOKED,
        /** A transfer with the same session and nonce exists: a replay, nothing recorded. */
        REPLAYED,
        /** The sender no longer holds the registration the session was made with: nothing recorded. */
        REGISTRATION_ENDED
    }

    /**
     * Records a transfer durably before returning, if its sender still holds the registration {@code
     * senderRegistration} names, checked in the same transaction (with the sender's row locked against a
     * concurrent change or deletion). The schema also refuses a transfer whose sender does not exist, and removes
     * a sender's transfers with the sender.
     */
    Outcome insert(Transfer transfer, RecordTag senderRegistration);

    /** The user's outgoing transfers, oldest first, at most {@code limit}. */
    List<Transfer> listFrom(String username, int limit);
}
