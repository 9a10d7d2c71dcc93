package io.depot.platform.readmodel;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;

/**
 * Hands projections their MongoDB collections, so that which copy of a read model they touch is decided here and
 * nowhere in their handlers. A collection it returns resolves each call: an event handler writes the generation of the
 * processor running it ({@link GenerationBinding}), anything else (query handlers, readers) reads the live generation.
 * Indexes a projection creates are remembered and created on every new generation before its processor starts.
 */
public final class ReadModelCollections {

    private final MongoDatabase database;
    private final ToIntFunction<String> live;
    private final Map<String, Map<String, List<IndexCall>>> indexCalls = new ConcurrentHashMap<>();

    private record IndexCall(Method method, Object[] args) {
    }

    ReadModelCollections(MongoDatabase database, ToIntFunction<String> live) {
        this.database = database;
        this.live = live;
    }

    /** Collections that are never rebuilt beside themselves: generation 1 only (tests of a projection alone). */
    public static ReadModelCollections of(MongoDatabase database) {
        return new ReadModelCollections(database, group -> 1);
    }

    /** The collection {@code name} of the read model kept by processing group {@code group}. */
    @SuppressWarnings("unchecked")
    public MongoCollection<Document> collection(String group, String name) {
        indexCalls.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).putIfAbsent(name, new CopyOnWriteArrayList<>());
        return (MongoCollection<Document>) Proxy.newProxyInstance(MongoCollection.class.getClassLoader(),
                new Class<?>[]{MongoCollection.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("createIndex")) {
                        indexCalls.get(group).get(name).add(new IndexCall(method, args));
                    }
                    return invoke(method, database.getCollection(Generations.collectionName(name, generation(group))), args);
                });
    }

    /** The generation the caller works on: its processor's inside an event handler, else the live one. */
    public int generation(String group) {
        Integer bound = GenerationBinding.bound(group);
        return bound != null ? bound : live.applyAsInt(group);
    }

    /** Whether the group's projection takes its collections from here, so that it can be built beside itself. */
    boolean knows(String group) {
        return indexCalls.containsKey(group);
    }

    Set<String> names(String group) {
        return indexCalls.getOrDefault(group, Map.of()).keySet();
    }

    /** Empty collections for a new generation, with the projection's indexes, before anything writes them. */
    void prepare(String group, int generation) {
        drop(group, generation);
        indexCalls.getOrDefault(group, Map.of()).forEach((name, calls) -> {
            MongoCollection<Document> collection = database.getCollection(Generations.collectionName(name, generation));
            calls.forEach(call -> invoke(call.method(), collection, call.args()));
        });
    }

    void drop(String group, int generation) {
        List<String> existing = database.listCollectionNames().into(new ArrayList<>());
        names(group).stream().map(name -> Generations.collectionName(name, generation))
                .filter(existing::contains)
                .forEach(name -> database.getCollection(name).drop());
    }

    private static Object invoke(Method method, Object target, Object[] args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
