/**
 * The seed-only BitTorrent peer-wire engine on jetty-io: accepts and dials peers, speaks the wire protocol to them
 * (MSE, BEP 3, 6, 9, 10, 11, 52) and sends blocks read from a {@link io.github.torrenthttpbridge.storage.PieceSource},
 * within upload slots, the upload rate and per-peer budgets.
 */
package io.github.torrenthttpbridge.engine;
