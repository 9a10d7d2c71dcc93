package io.depot.allinone;

import io.depot.platform.axon.TokenOwner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * On the embedded MongoDB-compatible store, this process is the only one that ever claims its tracking tokens: the
 * store's file under the data directory is locked while a process has it open. Claiming under a fixed name lets a
 * restarted process (after a crash, say) resume its projections, sagas and workers at once instead of after the
 * dead process's claims time out.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.data.mongodb.uri:}'.isEmpty()")
class EmbeddedTokenOwner {

    @Bean
    TokenOwner tokenOwner() {
        return new TokenOwner("depot-all-in-one");
    }
}
