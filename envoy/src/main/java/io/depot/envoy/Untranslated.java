package io.depot.envoy;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;

import java.util.Set;

/**
 * Refuses what a translation of envoy.yaml does not read: every field set in a message must be one the translation
 * names, so a field added to envoy.yaml later fails loudly instead of being dropped without a word.
 */
final class Untranslated {

    private Untranslated() {
    }

    /** Fails, naming {@code where} and the field, when {@code message} sets a field other than {@code allowed}. */
    static void only(MessageOrBuilder message, String where, String... allowed) {
        Set<String> names = Set.of(allowed);
        for (FieldDescriptor field : message.getAllFields().keySet()) {
            if (!names.contains(field.getName())) {
                throw new IllegalArgumentException(where + ": " + field.getName() + " has no HAProxy translation");
            }
        }
    }

    static IllegalArgumentException because(String where, String what) {
        return new IllegalArgumentException(where + ": " + what);
    }
}
