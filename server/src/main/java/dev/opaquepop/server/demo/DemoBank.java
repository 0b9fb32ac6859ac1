package dev.opaquepop.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opaquepop.pop.PopFailure;
import dev.opaquepop.server.ProtocolCore;
import dev.opaquepop.server.api.ApiProblem;
import dev.opaquepop.server.api.RequestBodies;
import dev.opaquepop.server.api.Verified;
import dev.opaquepop.server.service.InvalidInputException;
import dev.opaquepop.server.service.Usernames;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.SessionIds;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stand-alone server's own application, a demo bank: {@code POST /api/transfer}, {@code GET /api/transfers} and
 * {@code GET /api/me} (docs/protocol.md, openapi.yaml). It is what any application behind opaque-pop looks like: its
 * handlers run only for requests whose PoP signature the HTTP layer verified before routing, and read the user from
 * the {@link Verified} request. One thing it does beyond that: each transfer is booked once per signed request, so
 * that a replay cannot book twice even where a nonce store lost the nonce.
 */
public final class DemoBank {
    private static final Logger LOG = LoggerFactory.getLogger(DemoBank.class);
    /** How many transfers {@code GET /api/transfers} returns at most. */
    private static final int LIST_LIMIT = 1000;

    private final TransferStore transfers;
    private final RequestBodies bodies;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    private DemoBank(TransferStore transfers, RequestBodies bodies, Clock clock) {
        this.transfers = transfers;
        this.bodies = bodies;
        this.clock = clock;
    }

    /** The bank over the core's database ({@link ProtocolCore#database()}), reading bodies with {@code bodies}. */
    public static DemoBank over(ProtocolCore core, RequestBodies bodies) {
        return new DemoBank(
                new TransferStore(core.database()),
                bodies,
                core.services().config().clock());
    }

    /**
     * {@code POST /api/transfer}: books a transfer from the session's user, durable when it answers.
     *
     * @throws ApiProblem 400 for a malformed recipient or amount; 401 {@code replayed_nonce} when a transfer for
     *     this session and nonce exists; 401 {@code unknown_session} when the password changed or the account was
     *     deleted since the session's login (between its PoP check and the booking)
     */
    public void transfer(Context ctx, Verified verified) throws ApiProblem {
        JsonNode body = bodies.json(verified.body());
        Transfer transfer;
        try {
            transfer = newTransfer(
                    verified.session(),
                    verified.nonce(),
                    RequestBodies.string(body, "to"),
                    RequestBodies.string(body, "amount"));
        } catch (InvalidInputException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
        switch (transfers.insert(transfer, verified.session().recordTag())) {
            case BOOKED -> {}
            case REPLAYED -> throw ApiProblem.unauthorized(PopFailure.REPLAYED_NONCE);
            case REGISTRATION_ENDED -> throw ApiProblem.unauthorized(PopFailure.UNKNOWN_SESSION);
        }
        LOG.info(
                "transfer id={} from={} session={}",
                transfer.id(),
                transfer.from(),
                SessionIds.prefix(verified.session().sessionId()));
        ctx.json(transferJson(transfer));
    }

    /** {@code GET /api/transfers}: the session user's transfers, oldest first. */
    public void transfers(Context ctx, Verified verified) {
        ObjectNode out = json.createObjectNode();
        ArrayNode list = out.putArray("transfers");
        for (Transfer transfer : transfers.listFrom(verified.username(), LIST_LIMIT)) {
            list.add(transferJson(transfer));
        }
        ctx.json(out);
    }

    /** {@code GET /api/me}: the session's user and when the session expires. */
    public void me(Context ctx, Verified verified) {
        ObjectNode out = json.createObjectNode();
        out.put("username", verified.username());
        out.put("session_expires_at", verified.session().expiresAt().getEpochSecond());
        ctx.json(out);
    }

    private Transfer newTransfer(Session session, String nonce, String to, String amount) throws InvalidInputException {
        String recipient = Usernames.validate("to", to);
        long cents = Amounts.parseCents(amount);
        return new Transfer(
                UUID.randomUUID().toString(),
                session.username(),
                recipient,
                cents,
                session.idHash(),
                nonce,
                clock.instant());
    }

    private ObjectNode transferJson(Transfer transfer) {
        ObjectNode node = json.createObjectNode();
        node.put("transfer_id", transfer.id());
        node.put("from", transfer.from());
        node.put("to", transfer.to());
        node.put("amount", Amounts.format(transfer.amountCents()));
        node.put("created_at", transfer.createdAt().getEpochSecond());
        return node;
    }
}
