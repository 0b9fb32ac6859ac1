package dev.opaquepop.server;

import dev.opaquepop.server.limit.RateLimits;
import dev.opaquepop.server.service.AccountService;
import dev.opaquepop.server.service.LoginService;
import dev.opaquepop.server.service.RegistrationService;
import dev.opaquepop.server.service.SessionService;

/** The services the protocol's endpoints call, wired once by {@link ProtocolCore}. */
public record Services(
        CoreConfig config,
        RegistrationService registration,
        LoginService login,
        SessionService sessions,
        AccountService accounts,
        Metrics metrics,
        Readiness readiness,
        String serverPublicKeyBase64Url,
        RateLimits limits) {}
