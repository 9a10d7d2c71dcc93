package io.depot.bench;

/** One benchmark of a run: the letters that select it with {@code --only}, and its section of the report. */
interface Benchmark {

    /** The letters that select it, which also head its rows of the summary. */
    String letters();

    String title();

    /** Measures, and writes its figures into {@code section}. */
    void run(Report.Section section) throws Exception;
}
