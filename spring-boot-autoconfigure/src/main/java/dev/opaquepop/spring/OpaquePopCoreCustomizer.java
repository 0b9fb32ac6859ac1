package dev.opaquepop.spring;

import dev.opaquepop.server.CoreConfig;

/**
 * A bean that adjusts the core's configuration after the {@code opaque-pop.*} properties, for what has no property:
 * an injected {@code Clock} or {@code SecureRandom}, the KSF clients are told to use. The core still validates the
 * result.
 */
@FunctionalInterface
public interface OpaquePopCoreCustomizer {
    void customize(CoreConfig.Builder builder);
}
