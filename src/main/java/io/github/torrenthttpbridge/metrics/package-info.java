/** The bridge's and the site's figures as Micrometer meters. */
package io.github.torrenthttpbridge.metrics;
