package dev.opaquepop.server.service;

import dev.opaquepop.opaque.Ke2;

/** The answer to login/start: a single-use login id and KE2. */
public record LoginStarted(String loginId, Ke2 ke2) {}
