/**
 * What the protocol does, free of HTTP: registration, login (with the defences against user enumeration),
 * sessions and their PoP check, password change and account deletion, and the demo bank's transfers.
 */
package dev.opaquepop.server.service;
