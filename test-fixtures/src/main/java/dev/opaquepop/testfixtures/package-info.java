/**
 * Test helpers shared by every module's tests (a test-scope artifact, never shipped): a hand-moved clock ({@link
 * dev.opaquepop.testfixtures.HandMovedTime}), a deterministic {@code SecureRandom} ({@link
 * dev.opaquepop.testfixtures.FixedRandom}), the seed of the randomised property tests ({@link
 * dev.opaquepop.testfixtures.RandomSeed}, {@link dev.opaquepop.testfixtures.Draw}), a self-signed keystore, a raw
 * HTTP/1.1 reader and writer, a free port, racers released at one instant ({@link
 * dev.opaquepop.testfixtures.Race}), and the opaque-ke peer driven through node ({@link
 * dev.opaquepop.testfixtures.NodePeer}).
 */
package dev.opaquepop.testfixtures;
