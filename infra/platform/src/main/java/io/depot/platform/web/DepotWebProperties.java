package io.depot.platform.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * The HTTP side of every service ({@code depot.web.*}).
 *
 * @param trustedProxies the load balancer's addresses or CIDR blocks: {@code X-Forwarded-For} is believed only from
 *                       them ({@link ClientAddress}); none by default
 * @param drainDelay     how long a stopping instance goes on taking requests after its readiness probe has turned
 *                       to refusing, so that the load balancer's health checks see it leave before its listener
 *                       closes: about the balancer's check interval times its failure threshold. Then the requests
 *                       in flight get {@code spring.lifecycle.timeout-per-shutdown-phase} to finish. None by
 *                       default (no balancer in front)
 */
@ConfigurationProperties("depot.web")
public record DepotWebProperties(@DefaultValue List<String> trustedProxies, @DefaultValue("0s") Duration drainDelay) {
}
