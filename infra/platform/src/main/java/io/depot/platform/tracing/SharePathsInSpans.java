package io.depot.platform.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * A share link's path is its secret ({@code /v1/shares/{token}}): a server span keeps the route there instead, so
 * that whoever reads the traces cannot download the file. Set as the span starts, before anything exports it.
 */
final class SharePathsInSpans implements SpanProcessor {

    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final String SHARES = "/v1/shares/";

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        String path = span.getAttribute(URL_PATH);
        if (path != null && path.startsWith(SHARES)) {
            int end = path.indexOf('/', SHARES.length());
            span.setAttribute(URL_PATH, SHARES + "{token}" + (end < 0 ? "" : path.substring(end)));
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
