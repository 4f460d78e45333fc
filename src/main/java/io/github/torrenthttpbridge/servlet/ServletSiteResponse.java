package io.github.torrenthttpbridge.servlet;

import java.io.IOException;

import io.github.torrenthttpbridge.site.SiteResponse;
import jakarta.servlet.http.HttpServletResponse;

/** The site core's answer written to a servlet response; with {@code head} (a {@code HEAD} request) the headers alone. */
record ServletSiteResponse(HttpServletResponse response, boolean head) implements SiteResponse {

    @Override
    public void status(int code) {
        response.setStatus(code);
    }

    @Override
    public void header(String name, String value) {
        response.setHeader(name, value);
    }

    @Override
    public void send(String contentType, byte[] body) throws IOException {
        response.setContentType(contentType);
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
    }

    @Override
    public void error(int code, String message) throws IOException {
        response.sendError(code, message);
    }
}
