package io.github.torrenthttpbridge.proxy;

import java.io.IOException;

import io.github.torrenthttpbridge.servlet.TorrentFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Jetty's transparent reverse proxy to the upstream, with two changes for the filter in front of it: the upstream
 * is asked for identity-encoded answers (so pages can get torrent links; a compressed page would pass unchanged),
 * and the filter finishes a rewritten page before the asynchronous answer completes.
 */
final class BridgedProxyServlet extends ProxyServlet.Transparent {
    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        super.addProxyHeaders(clientRequest, proxyRequest);
        proxyRequest.headers(h -> h.remove(HttpHeader.ACCEPT_ENCODING));
    }

    @Override
    protected void onProxyResponseSuccess(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          Response serverResponse) {
        try {
            TorrentFilter.beforeComplete(clientRequest);
        } catch (IOException e) {
            onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, e);
            return;
        }
        super.onProxyResponseSuccess(clientRequest, proxyResponse, serverResponse);
    }
}
