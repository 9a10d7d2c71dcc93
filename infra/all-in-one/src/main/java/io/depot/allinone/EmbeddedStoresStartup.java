package io.depot.allinone;

import de.bwaldvogel.mongo.MongoServer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Starts the embedded stores as soon as the all-in-one's context begins to load, each on a thread of its own. Started
 * one after the other where a bean first needed them, they held up the main thread for the whole of their start
 * (S3Proxy with jclouds, mongo-java-server with its H2 file): now they come up while the application's configuration
 * is read and its beans built, and {@link EmbeddedStores} takes them over, waiting only for what is not up yet. The
 * conditions are those of {@link EmbeddedStores}: no object store endpoint, no MongoDB URI.
 */
final class EmbeddedStoresStartup implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final String BEAN_NAME = "embeddedStoresStartup";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.addBeanFactoryPostProcessor(new BeanDefinitionRegistryPostProcessor() {
            @Override
            public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
                // Runs before the configuration is parsed. Only the all-in-one's own context: an application of
                // another module started with this jar on its class path gets no stores it did not ask for.
                boolean allInOne = Arrays.stream(registry.getBeanDefinitionNames())
                        .map(registry::getBeanDefinition)
                        .anyMatch(d -> DepotApplication.class.getName().equals(d.getBeanClassName()));
                if (allInOne) {
                    start(context);
                }
            }

            @Override
            public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            }
        });
    }

    private static void start(ConfigurableApplicationContext context) {
        Environment environment = context.getEnvironment();
        boolean objectStore = environment.getProperty("depot.storage.endpoint", "").isEmpty();
        boolean mongo = environment.getProperty("spring.data.mongodb.uri", "").isEmpty();
        if (!objectStore && !mongo) {
            return;
        }
        EmbeddedProperties properties = Binder.get(environment).bindOrCreate("depot.embedded", EmbeddedProperties.class);
        Started started = new Started(
                objectStore ? inBackground("embedded-object-store", () -> EmbeddedStores.startObjectStore(properties)) : null,
                mongo ? inBackground("embedded-mongo", () -> EmbeddedStores.startMongo(properties, false)) : null);
        ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
        beanFactory.registerSingleton(BEAN_NAME, started);
        // Also destroyed when the context fails before a bean took a store over, which then must not outlive it.
        ((DefaultSingletonBeanRegistry) beanFactory).registerDisposableBean(BEAN_NAME, started);
    }

    private static <T> CompletableFuture<T> inBackground(String name, Callable<T> start) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(start.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** The stores started early; each is handed to the bean that takes it over once, and stopped by that bean. */
    static final class Started implements DisposableBean {

        private CompletableFuture<EmbeddedStores.EmbeddedObjectStore> objectStore;
        private CompletableFuture<MongoServer> mongo;

        private Started(CompletableFuture<EmbeddedStores.EmbeddedObjectStore> objectStore,
                        CompletableFuture<MongoServer> mongo) {
            this.objectStore = objectStore;
            this.mongo = mongo;
        }

        /** The object store once it has started, or null when it was not started here. */
        synchronized EmbeddedStores.EmbeddedObjectStore takeObjectStore() throws Exception {
            CompletableFuture<EmbeddedStores.EmbeddedObjectStore> store = objectStore;
            objectStore = null;
            return store == null ? null : await(store);
        }

        /** The MongoDB-compatible server once it has started, or null when it was not started here. */
        synchronized MongoServer takeMongo() throws Exception {
            CompletableFuture<MongoServer> server = mongo;
            mongo = null;
            return server == null ? null : await(server);
        }

        @Override
        public synchronized void destroy() {
            stopUntaken(objectStore, store -> {
                try {
                    store.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            stopUntaken(mongo, MongoServer::shutdownNow);
            objectStore = null;
            mongo = null;
        }

        private static <T> void stopUntaken(CompletableFuture<T> store, Consumer<T> stop) {
            if (store == null) {
                return;
            }
            try {
                stop.accept(store.get());
            } catch (ExecutionException e) {
                // It never started: nothing to stop.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static <T> T await(CompletableFuture<T> store) throws Exception {
            try {
                return store.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }
}
