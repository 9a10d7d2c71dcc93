package io.depot.platform.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * The HTTP side of every service ({@code depot.web.*}).
 *
 * @param trustedProxies the load balancer's addresses or CIDR blocks: {@code X-Forwarded-For} is believed only from
 *                       them ({@link ClientAddress}); none by default
 */
@ConfigurationProperties("depot.web")
public record DepotWebProperties(@DefaultValue List<String> trustedProxies) {
}
