/**
 * JMH microbenchmarks (run with {@code bench/target/benchmarks.jar}; BENCHMARKS.md): the server's login steps
 * against the arithmetic floor ({@code OpaqueServerBenchmark}, {@code FloorReport}), the client's login, and PoP
 * signing and verification with the nonce stores ({@code PopBenchmark}). Not shipped.
 */
package dev.opaquepop.bench;
