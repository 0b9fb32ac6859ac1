/**
 * The Spring Boot auto-configuration (docs/spring.md): on the classpath of a servlet application it opens the
 * protocol core from the {@code opaque-pop.*} properties ({@link dev.opaquepop.spring.OpaquePopProperties}), serves
 * the protocol's endpoints through a servlet filter, and reports the core's readiness to Actuator.
 *
 * <p>For applications: {@link dev.opaquepop.spring.OpaquePopAutoConfiguration} (what is created, and how to turn
 * it off), {@link dev.opaquepop.spring.OpaquePopProperties} and {@link
 * dev.opaquepop.spring.OpaquePopCoreCustomizer} (for what has no property). The filter, the health indicator and
 * the application-database probe are package-private.
 */
package dev.opaquepop.spring;
