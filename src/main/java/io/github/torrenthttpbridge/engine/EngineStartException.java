package io.github.torrenthttpbridge.engine;

/** The engine could not start, typically because its peer port is taken; the message names the port. */
public class EngineStartException extends RuntimeException {
    public EngineStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
