package io.github.torrenthttpbridge.engine;

/** A port the engine needs (peers' TCP or the DHT's UDP) cannot be bound; the message names it. */
public class EngineStartException extends RuntimeException {
    private final boolean dhtPort;

    public EngineStartException(boolean dhtPort, String message, Throwable cause) {
        super(message, cause);
        this.dhtPort = dhtPort;
    }

    /** Whether the port that could not be bound is the DHT's UDP port (else the peers' TCP port). */
    public boolean dhtPort() {
        return dhtPort;
    }
}
