/**
 * The Servlet front end: the listener that starts the bridge from the {@code torrent-bridge.*} context parameters, and
 * the filter that translates servlet requests and responses for the site core.
 */
package io.github.torrenthttpbridge.servlet;
