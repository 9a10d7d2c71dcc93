package io.depot.file;

/**
 * What the file made of a storage class change.
 *
 * @param changed    whether the change was recorded
 * @param targetHeld whether a version of the file holds the target object now: when the change was not recorded and
 *                   none does, the copy is nobody's and the mover removes it
 */
public record StorageClassChangeOutcome(boolean changed, boolean targetHeld) {
}
