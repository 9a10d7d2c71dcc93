package io.depot.platform.axon;

import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Axon's Jackson serializer remembering the classes it found for type names. Axon looks a message's class up by
 * name ({@code Class.forName} through Spring Boot's nested-jar class loader) each time it reads a message or asks
 * its type; a replay asks millions of times for the same few names. Names of classes that are not there are not
 * remembered, and are looked up again as before.
 */
final class KnownTypesJacksonSerializer extends JacksonSerializer {

    private final Map<String, Class<?>> known = new ConcurrentHashMap<>();

    KnownTypesJacksonSerializer(Builder builder) {
        super(builder);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class classForType(SerializedType type) {
        Class<?> found = known.get(type.getName());
        if (found != null) {
            return found;
        }
        Class<?> resolved = super.classForType(type);
        if (resolved != UnknownSerializedType.class && resolved != Void.class) {
            known.put(type.getName(), resolved);
        }
        return resolved;
    }
}
