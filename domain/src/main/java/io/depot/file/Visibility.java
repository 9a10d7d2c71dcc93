package io.depot.file;

/** Who may read a file: everyone, or its owner alone. */
public enum Visibility {
    PUBLIC,
    PRIVATE
}
