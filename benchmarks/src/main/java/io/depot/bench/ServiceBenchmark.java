package io.depot.bench;

/**
 * A benchmark of the all-in-one service (a to i, k and l): the run's options, the service and the benchmark user's
 * session on it, which they all share.
 */
abstract class ServiceBenchmark implements Benchmark {

    static final long MIB = 1024 * 1024;

    private final String letters;
    private final String title;
    final Options options;
    final DepotSession session;
    final DepotClient depot;
    final String user;
    final DepotService service;
    final Profiler profiler;
    final Processes.Server s3;
    final byte[] data;
    final long partSize;

    /**
     * What every benchmark of the service is given: besides the service, S3Proxy behind it, and the random bytes the
     * upload benchmarks send in parts of {@code partSize}.
     */
    record Setup(Options options, Processes.Server s3, DepotService service, DepotSession session, byte[] data,
                 long partSize) {
    }

    ServiceBenchmark(String letters, String title, Setup setup) {
        this.letters = letters;
        this.title = title;
        this.options = setup.options();
        this.session = setup.session();
        this.depot = session.client;
        this.user = session.user;
        this.service = setup.service();
        this.profiler = service.profiler();
        this.s3 = setup.s3();
        this.data = setup.data();
        this.partSize = setup.partSize();
    }

    @Override
    public String letters() {
        return letters;
    }

    @Override
    public String title() {
        return title;
    }
}
