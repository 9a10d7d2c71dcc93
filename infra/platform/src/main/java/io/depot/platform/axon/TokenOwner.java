package io.depot.platform.axon;

/**
 * The name under which this process claims tracking tokens, for a process that is the only one ever to use its
 * token store: after a restart it owns its claims again at once, where a new name would wait for the old claims to
 * time out (10 s) before its processors resume. Without this bean every process claims as its process id and host.
 *
 * @param name the owner written in every claim
 */
public record TokenOwner(String name) {
}
