package io.github.torrenthttpbridge.site;

import java.io.IOException;

/**
 * What {@link SiteHandler} answers through: a front end translates each call into its own response. Calls come in
 * the order HTTP needs them: status and headers first, then at most one {@link #send} or {@link #error}.
 */
public interface SiteResponse {
    /** Sets the status code (200 unless set). */
    void status(int code);

    /** Sets a header, replacing any value it had. */
    void header(String name, String value);

    /**
     * Sends the body: sets {@code Content-Type} and {@code Content-Length} and writes {@code body} (a front end sends
     * no body to a {@code HEAD} request, as HTTP says).
     */
    void send(String contentType, byte[] body) throws IOException;

    /** Answers with an error status and the front end's error page carrying {@code message}, headers kept. */
    void error(int code, String message) throws IOException;
}
