package io.depot.platform.web;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;

/**
 * Request headers that remember a {@code Content-Length} the HTTP decoder dropped. Netty's decoder removes it from
 * an HTTP/1.1 request that also says {@code Transfer-Encoding: chunked} and reads the body as chunked; afterwards
 * nothing else shows that the request declared its length twice, which RFC 9112 section 6.1 says to refuse.
 */
final class LengthRecordingHeaders extends DefaultHttpHeaders {

    private boolean contentLengthDropped;

    private LengthRecordingHeaders(DefaultHttpHeadersFactory base) {
        super(base.getNameValidator(), base.getValueValidator());
    }

    /** Whether a {@code Content-Length} was removed from these headers. */
    boolean contentLengthDropped() {
        return contentLengthDropped;
    }

    @Override
    public HttpHeaders remove(String name) {
        noteRemoval(name);
        return super.remove(name);
    }

    @Override
    public HttpHeaders remove(CharSequence name) {
        noteRemoval(name);
        return super.remove(name);
    }

    private void noteRemoval(CharSequence name) {
        if (HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name) && contains(name)) {
            contentLengthDropped = true;
        }
    }

    /** Makes request headers that record dropped lengths; trailers and empty headers are Netty's own. */
    static final class Factory implements HttpHeadersFactory {

        private final DefaultHttpHeadersFactory base;

        Factory(boolean validate) {
            this.base = DefaultHttpHeadersFactory.headersFactory().withValidation(validate);
        }

        @Override
        public HttpHeaders newHeaders() {
            return new LengthRecordingHeaders(base);
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return base.newEmptyHeaders();
        }
    }
}
