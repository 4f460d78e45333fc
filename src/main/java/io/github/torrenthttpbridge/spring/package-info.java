/**
 * Spring Boot integration: auto-configuration that registers the servlet listener and filter, configured from the
 * {@code torrent-bridge.*} properties (and their IDE metadata).
 */
package io.github.torrenthttpbridge.spring;
