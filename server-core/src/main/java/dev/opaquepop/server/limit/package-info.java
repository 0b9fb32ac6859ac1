/**
 * Online-guessing and request-rate limits: token buckets per username, network and session, over a storage
 * that is either this instance's memory or Redis.
 */
package dev.opaquepop.server.limit;
