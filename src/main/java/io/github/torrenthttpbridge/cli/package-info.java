/** The picocli command line: {@code create}, {@code seed}, {@code serve} and {@code proxy}. */
package io.github.torrenthttpbridge.cli;
