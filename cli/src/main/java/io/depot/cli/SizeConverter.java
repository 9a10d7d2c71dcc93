package io.depot.cli;

import picocli.CommandLine.ITypeConverter;

/** Sizes on the command line: {@code 5MiB}, {@code 64k}, {@code 5242880}. */
final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return Units.parseSize(value);
    }
}
