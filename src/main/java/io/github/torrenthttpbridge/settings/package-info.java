/**
 * The settings table: every {@code torrent-bridge.*} setting declared once (name, type, default, range, documentation,
 * where it applies), and the one HOST:PORT parser.
 */
package io.github.torrenthttpbridge.settings;
