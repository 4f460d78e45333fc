package io.github.torrenthttpbridge.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.nio.charset.Charset;

import io.github.torrenthttpbridge.site.Decoration;
import io.github.torrenthttpbridge.site.HtmlLinkInjector;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * Wraps a response of the site to apply its {@link Decoration}: the {@code Link: <F?torrent>; rel="describedby"}
 * header of bridged files, and HTML pages rewritten with torrent links. The decision is taken when the body starts
 * (status, type and length are known then); the Content-Length, ETag and Last-Modified of a rewritten page are
 * dropped (it changes).
 */
final class BridgeResponse extends HttpServletResponseWrapper {
    private final Decoration decoration;
    private long contentLength = -1;
    private boolean decided;
    private boolean injecting;
    private ServletOutputStream stream;
    private PrintWriter writer;
    private HtmlLinkInjector html;

    BridgeResponse(HttpServletResponse response, Decoration decoration) {
        super(response);
        this.decoration = decoration;
    }

    @Override
    public void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        if (decided) {
            if (!injecting) {
                super.setContentLengthLong(len);
            }
        } else {
            contentLength = len;
        }
    }

    @Override
    public void setDateHeader(String name, long date) {
        if (!(injecting && Decoration.dropsFromPage(name))) {
            super.setDateHeader(name, date);
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if (injecting && Decoration.dropsFromPage(name)) {
            return;
        }
        if ("content-length".equalsIgnoreCase(name)) {
            setContentLengthLong(value == null ? -1 : Long.parseLong(value.trim()));
        } else {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if ("content-length".equalsIgnoreCase(name)) {
            setHeader(name, value);
        } else {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        setHeader(name, Integer.toString(value));
    }

    /** Takes the decisions; called before the first byte of body and at the end of the request. */
    void decide() {
        if (decided) {
            return;
        }
        decided = true;
        int status = getStatus();
        String link = decoration.linkHeader(status, contentLength);
        if (link != null) {
            super.addHeader("Link", link);
        }
        if (decoration.rewrites(status, getContentType(), getCharacterEncoding(), getHeader("Content-Encoding"))) {
            injecting = true;
            // the links change as torrents become ready: the page is no longer the file on disk
            for (String dropped : Decoration.DROPPED_FROM_PAGES) {
                super.setHeader(dropped, null);
            }
            super.setHeader("Cache-Control", Decoration.PAGE_CACHE_CONTROL);
        } else if (contentLength >= 0) {
            super.setContentLengthLong(contentLength);
        }
    }

    /**
     * Containers may ask for the stream before setting the content type (Tomcat's DefaultServlet does), so the
     * decision waits for the first byte: until then this stream only remembers it was asked for.
     */
    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new ServletOutputStream() {
                private OutputStream target;

                private OutputStream target() throws IOException {
                    if (target == null) {
                        decide();
                        ServletOutputStream raw = BridgeResponse.super.getOutputStream();
                        target = injecting ? (html = decoration.rewriter(raw)) : raw;
                    }
                    return target;
                }

                @Override
                public boolean isReady() {
                    try {
                        return BridgeResponse.super.getOutputStream().isReady();
                    } catch (IOException e) {
                        return false;
                    }
                }

                @Override
                public void setWriteListener(WriteListener l) {
                    try {
                        BridgeResponse.super.getOutputStream().setWriteListener(l);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void write(int b) throws IOException {
                    target().write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    target().write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    target().flush();
                }

                @Override
                public void close() throws IOException {
                    target().close();
                }
            };
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            writer = new PrintWriter(new Writer() {
                private Writer target;

                private Writer target() throws IOException {
                    if (target == null) {
                        decide();
                        if (injecting) {
                            String cs = getCharacterEncoding();
                            html = decoration.rewriter(BridgeResponse.super.getOutputStream());
                            target = new OutputStreamWriter(html,
                                    cs == null ? StandardCharsets.ISO_8859_1 : Charset.forName(cs));
                        } else {
                            target = BridgeResponse.super.getWriter();
                        }
                    }
                    return target;
                }

                @Override
                public void write(char[] cbuf, int off, int len) throws IOException {
                    target().write(cbuf, off, len);
                }

                @Override
                public void flush() throws IOException {
                    target().flush();
                }

                @Override
                public void close() throws IOException {
                    target().close();
                }
            });
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        decide();
        if (writer != null) {
            writer.flush();
        }
        if (stream != null) {
            stream.flush();
        }
        super.flushBuffer();
    }

    /** Ends the request: flushes a rewritten page's buffered bytes. */
    void finish() throws IOException {
        decide();
        if (writer != null) {
            writer.flush();
        }
        if (html != null) {
            html.endOfStream();
        }
        if (stream != null) {
            stream.flush();
        }
    }
}
