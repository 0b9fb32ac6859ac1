/**
 * What the protocol does, free of HTTP: registration, login (with the defences against user enumeration),
 * sessions and their PoP check, and password change and account deletion.
 */
package dev.opaquepop.server.service;
