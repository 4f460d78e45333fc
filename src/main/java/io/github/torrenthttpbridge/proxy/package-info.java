/**
 * The bridge in front of any HTTP server: embedded Jetty reverse-proxying an upstream behind the servlet filter, with
 * folder torrents from the upstream's directory index.
 */
package io.github.torrenthttpbridge.proxy;
