/**
 * Trackers: a client announcing to HTTP(S) and UDP trackers, and the servlet-free built-in HTTP tracker the site
 * serves.
 */
package io.github.torrenthttpbridge.tracker;
