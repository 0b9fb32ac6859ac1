/**
 * Client addresses: which address a request comes from (the socket peer, or through trusted proxies the first
 * untrusted {@code X-Forwarded-For} entry), their canonical text, the networks the login limits count by (IPv4
 * address, IPv6 /64 and /48), and the bounded form sessions keep. One place for every rule about an address, used
 * by the HTTP layer, the limits and the services alike.
 */
package dev.opaquepop.server.address;
