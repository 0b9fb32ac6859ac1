/**
 * The client side of the stand-alone server's demo bank (the server side is {@code dev.opaquepop.server.demo}): a
 * {@link dev.opaquepop.demo.DemoBankClient} makes transfers, lists them and asks {@code /api/me} through the SDK's
 * {@link dev.opaquepop.client.OpaquePopClient#call signed calls}, as any application's client would. The SDK itself
 * knows nothing of the bank.
 */
package dev.opaquepop.demo;
