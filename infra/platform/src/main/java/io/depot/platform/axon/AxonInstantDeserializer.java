package io.depot.platform.axon;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;

import java.io.IOException;
import java.time.Instant;

/**
 * Reads the instants in Axon's messages, which Depot writes as {@link Instant#toString()} does, with
 * {@link IsoInstants}; anything else goes to the Java time module's deserializer as before. Every event carries one
 * or two instants, and the module's formatter-based parse was a tenth of a replay's time.
 */
final class AxonInstantDeserializer extends StdScalarDeserializer<Instant> {

    AxonInstantDeserializer() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.hasToken(JsonToken.VALUE_STRING)) {
            Instant parsed = IsoInstants.parse(parser.getText());
            if (parsed != null) {
                return parsed;
            }
        }
        return InstantDeserializer.INSTANT.deserialize(parser, context);
    }
}
