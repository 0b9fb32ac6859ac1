package dev.opaquepop.server.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.opaquepop.server.store.RecordTag;
import dev.opaquepop.server.store.Session;
import dev.opaquepop.server.store.StoreException;
import dev.opaquepop.server.store.UserStore;
import java.time.Duration;

/**
 * Which registration each account holds now, as the {@link RecordTag} every session carries from its login. A
 * session acts only while its account still holds that registration: a password change replaces the record and
 * a deletion removes it, each in its own database transaction, so from that commit on every older session is
 * refused, whether or not ending the sessions afterwards succeeded. A session re-inserted into the session store
 * (a captured sealed value written back) is refused the same way, and so is one of a deleted account whose name
 * was registered again (a new registration is a new record).
 *
 * <p>Signed requests read it through a cache of {@link #CACHE_TTL}, so that a busy session costs the database one
 * read per second per instance, not one per request. The instance that makes a change forgets its entry at once;
 * other instances sharing the database refuse older sessions at most {@link #CACHE_TTL} later.
 */
public final class AccountStates {
    /** The longest an instance that did not make a change keeps honouring sessions of the registration it ended. */
    public static final Duration CACHE_TTL = Duration.ofSeconds(1);

    /** A state read from the database, and when (ticker time). */
    private record Entry(RecordTag tag, long readAtNanos) {}

    private final UserStore users;
    private final Ticker ticker;
    // Kept well past the TTL so that a state can still be used while the database cannot be read (see holds).
    private final Cache<String, Entry> states;

    public AccountStates(UserStore users, Ticker ticker, long maxEntries) {
        this.users = users;
        this.ticker = ticker;
        this.states = Caffeine.newBuilder()
                .expireAfterWrite(Duration.ofHours(1))
                .maximumSize(maxEntries)
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    /**
     * Whether {@code session}'s account still holds the registration its login used.
     *
     * <p>When the database cannot be read, the last state this instance read is used (and the database asked
     * again a TTL later), so that signed calls that need only the session keep working through a database
     * outage: no password change or deletion can commit meanwhile, unless from an instance on the other side of a
     * network partition. With no state read before, the failure propagates (503): a session is never accepted
     * unchecked.
     */
    boolean holds(Session session) {
        String username = session.username();
        long now = ticker.read();
        Entry entry = states.getIfPresent(username);
        if (entry == null || now - entry.readAtNanos() >= CACHE_TTL.toNanos()) {
            try {
                entry = new Entry(users.find(username).map(RecordTag::of).orElse(RecordTag.NONE), now);
            } catch (StoreException e) {
                if (entry == null) {
                    throw e;
                }
                entry = new Entry(entry.tag(), now);
            }
            states.put(username, entry);
        }
        return session.recordTag().equals(entry.tag());
    }

    /** Called when this instance has just read {@code username}'s registration (a login's final check). */
    void observed(String username, RecordTag tag) {
        states.put(username, new Entry(tag, ticker.read()));
    }

    /** Called after this instance changed or deleted {@code username}'s registration. */
    void changed(String username) {
        states.invalidate(username);
    }
}
