/**
 * The stand-alone server's demo bank: transfers between users and {@code /api/me}, an application's endpoints
 * protected by PoP like any other (the libraries know nothing of it). The SDK's counterpart is the demo client,
 * module {@code opaque-pop-demo-client}.
 */
package dev.opaquepop.server.demo;
