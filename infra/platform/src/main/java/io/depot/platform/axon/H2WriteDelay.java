package io.depot.platform.axon;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

import java.util.Locale;

/**
 * Makes an H2 database write each commit to its file before the commit returns. By default H2 writes in the
 * background ({@code WRITE_DELAY}, 500 ms), and Depot answers a command once its events are committed: a process
 * killed in between had acknowledged events that were never written. So the URL of an H2 database that keeps files
 * (the all-in-one default, or one a user names in {@code DEPOT_JDBC_URL}) gets {@code WRITE_DELAY=0} when it does
 * not say; a URL that asks for a delay is refused, since Depot cannot keep its promise on it. In-memory databases
 * and other databases are left as they are.
 */
final class H2WriteDelay implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(H2WriteDelay.class);
    private static final String PREFIX = "jdbc:h2:";
    private static final String SETTING = "WRITE_DELAY";

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        // After the properties are bound and before the pool opens its first connection.
        if (bean instanceof HikariDataSource dataSource && dataSource.getJdbcUrl() != null) {
            String url = dataSource.getJdbcUrl();
            String durable = durable(url);
            if (!durable.equals(url)) {
                log.info("H2 commits are written before they return: {}=0 added to the URL of {}", SETTING, beanName);
                dataSource.setJdbcUrl(durable);
            }
        }
        return bean;
    }

    /** The URL with {@code WRITE_DELAY=0} when it is that of an H2 database with files and names no delay. */
    static String durable(String url) {
        if (!url.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return url;
        }
        String[] parts = url.substring(PREFIX.length()).split(";");
        String database = parts[0].toLowerCase(Locale.ROOT);
        if (database.startsWith("mem:") || database.contains("/mem:")) {
            return url;
        }
        for (int i = 1; i < parts.length; i++) {
            int equals = parts[i].indexOf('=');
            if (equals > 0 && parts[i].substring(0, equals).trim().equalsIgnoreCase(SETTING)) {
                if (parts[i].substring(equals + 1).trim().equals("0")) {
                    return url;
                }
                throw new IllegalStateException("The H2 database " + parts[0] + " is configured with " + parts[i].trim()
                        + ": H2 would then acknowledge commits before writing them, and Depot answers commands once"
                        + " their events are committed, so a stopped process could lose what Depot acknowledged."
                        + " Remove " + SETTING + " from the JDBC URL (Depot sets " + SETTING + "=0) or set it to 0.");
            }
        }
        return url + (url.endsWith(";") ? "" : ";") + SETTING + "=0";
    }
}
