package dev.opaquepop.server.service;

import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.Transfer;
import dev.opaquepop.server.store.TransferStore;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/** The demo's protected resource: transfers, each booked once per signed request. */
public final class TransferService {
    /** How many transfers {@link #list} returns at most. */
    public static final int LIST_LIMIT = 1000;

    private final TransferStore transfers;
    private final Clock clock;

    public TransferService(TransferStore transfers, Clock clock) {
        this.transfers = transfers;
        this.clock = clock;
    }

    /**
     * Books a transfer authorized by {@code session} with the request's {@code nonce}; durable when this
     * returns.
     */
    public Transfer transfer(Session session, String nonce, String to, String amount)
            throws InvalidInputException, ReplayedRequestException, RegistrationEndedException {
        String recipient = Usernames.validate("to", to);
        long cents = Amounts.parseCents(amount);
        Transfer transfer = new Transfer(
                UUID.randomUUID().toString(),
                session.username(),
                recipient,
                cents,
                session.idHash(),
                nonce,
                clock.instant());
        return switch (transfers.insert(transfer, session.recordTag())) {
            case BOOKED -> transfer;
            case REPLAYED -> throw new ReplayedRequestException();
            case REGISTRATION_ENDED -> throw new RegistrationEndedException();
        };
    }

    public List<Transfer> list(String username) {
        return transfers.listFrom(username, LIST_LIMIT);
    }
}
