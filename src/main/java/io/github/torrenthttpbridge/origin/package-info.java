/**
 * The HTTP client for origins: probing a file for range support, length and validators, fetching exact byte ranges
 * pinned with {@code If-Range}, and streaming whole files for hashing.
 */
package io.github.torrenthttpbridge.origin;
