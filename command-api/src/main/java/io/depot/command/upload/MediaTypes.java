package io.depot.command.upload;

/**
 * The grammar of a media type as RFC 9110 section 8.3.1 gives it, in ASCII only: a declared content type becomes a
 * {@code Content-Type} header in storage and a signed parameter of download URLs, so anything outside the grammar
 * (a line break, a control character) is refused before it gets near a header.
 */
final class MediaTypes {

    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final String QUOTED = "\"(?:[\\t \\x21\\x23-\\x5B\\x5D-\\x7E]|\\\\[\\t \\x21-\\x7E])*\"";
    private static final String PARAMETER = TOKEN + "=(?:" + TOKEN + "|" + QUOTED + ")";

    /** {@code type "/" subtype *( OWS ";" OWS parameter )}. */
    static final String GRAMMAR = TOKEN + "/" + TOKEN + "(?:[ \\t]*;[ \\t]*" + PARAMETER + ")*";

    private MediaTypes() {
    }
}
