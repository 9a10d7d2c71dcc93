package io.depot.error;

/** The broad class of a refusal; the HTTP layer maps each kind to one status. */
public enum ErrorKind {
    INVALID,
    NOT_FOUND,
    CONFLICT,
    /** Existed, and is gone for good: an expired, revoked or used-up share link. */
    GONE,
    /** Another request holds what this one needs for now (an upload another request is writing): try again. */
    LOCKED,
    /** A precondition of the protocol does not hold, such as a tus version Depot does not speak. */
    PRECONDITION_FAILED,
    /** A chunk's checksum does not match its bytes; tus answers it with its own status, 460, and 400 elsewhere. */
    CHECKSUM_FAILED,
    TOO_LARGE,
    URI_TOO_LONG,
    HEADERS_TOO_LARGE,
    LENGTH_REQUIRED,
    UNAUTHORIZED,
    FORBIDDEN,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    UNSUPPORTED_MEDIA_TYPE,
    TOO_MANY_REQUESTS,
    UNAVAILABLE,
    /** A store Depot depends on refused a request Depot made: neither the client's fault nor an outage. */
    BAD_GATEWAY,
    INTERNAL
}
