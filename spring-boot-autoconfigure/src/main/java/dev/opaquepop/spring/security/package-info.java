/**
 * Spring Security 7 integration: PoP-signed calls as an authentication mechanism of a {@code SecurityFilterChain}.
 *
 * <p>For applications: {@link dev.opaquepop.spring.security.OpaquePopConfigurer} (applied to {@code HttpSecurity},
 * it adds the filter and the entry point) and {@link dev.opaquepop.spring.security.PopAuthenticationToken} (the
 * authenticated principal's user and session, as controllers see it). The converter, provider, filter and entry
 * point implement Spring Security's own interfaces over the core's one PoP check; the verified body is replayed to
 * the controller by {@code VerifiedBodyRequest}, so a body is read once and checked before any controller sees it.
 */
package dev.opaquepop.spring.security;
