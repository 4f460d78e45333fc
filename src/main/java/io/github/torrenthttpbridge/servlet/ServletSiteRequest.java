package io.github.torrenthttpbridge.servlet;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.github.torrenthttpbridge.site.SiteRequest;
import jakarta.servlet.http.HttpServletRequest;

/** A servlet request as the site core sees it; {@code proxies} are those whose forwarded client address is believed. */
record ServletSiteRequest(HttpServletRequest request, TrustedProxies proxies) implements SiteRequest {

    @Override
    public String method() {
        return request.getMethod();
    }

    /** The request's path within the context, decoded and normalized by the container. */
    @Override
    public String path() {
        String p = (request.getServletPath() == null ? "" : request.getServletPath())
                + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return p.isEmpty() ? "/" : p;
    }

    @Override
    public String contextPath() {
        return request.getContextPath();
    }

    @Override
    public String query() {
        return request.getQueryString();
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public String parameter(String name) {
        return request.getParameter(name);
    }

    /** Through a trusted proxy, the address it forwarded; otherwise the connection's peer. */
    @Override
    public InetAddress client() {
        return proxies.client(addr(request.getRemoteAddr()), request.getHeaders("Forwarded"), request.getHeaders("X-Forwarded-For"));
    }

    @Override
    public InetAddress local() {
        return addr(request.getLocalAddr());
    }

    private static InetAddress addr(String literal) {
        try {
            return InetAddress.getByName(literal);  // an IP literal from the container: no lookup
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress();
        }
    }
}
