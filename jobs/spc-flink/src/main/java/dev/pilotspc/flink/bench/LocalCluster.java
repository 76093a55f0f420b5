package dev.pilotspc.flink.bench;

import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * One Flink mini cluster for all of a benchmark's jobs, as a long-running cluster runs its job:
 * {@code env.execute()} would start a cluster per job, and each start loads Flink's RPC system
 * (Pekko, Scala) in a fresh class loader whose code the JIT compiles again while the job is timed.
 */
final class LocalCluster implements AutoCloseable {

    private final MiniCluster cluster;

    private LocalCluster(MiniCluster cluster) {
        this.cluster = cluster;
    }

    /** A cluster with one task manager and {@code slots} slots; its REST endpoint on a free port. */
    static LocalCluster start(int slots) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0"); // as env.execute()'s cluster: 8081 may be taken (e.g. the docker stack)
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        try {
            cluster.start();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new LocalCluster(cluster);
    }

    /** Runs the job defined on {@code env} to its end. */
    void run(StreamExecutionEnvironment env, String name) throws Exception {
        cluster.executeJobBlocking(graph(env, name).getJobGraph());
    }

    /** Starts the job defined on {@code env}. */
    JobID submit(StreamExecutionEnvironment env, String name) throws Exception {
        return cluster.submitJob(graph(env, name).getJobGraph()).get(60, TimeUnit.SECONDS).getJobID();
    }

    void cancel(JobID job) throws Exception {
        cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
        cluster.requestJobResult(job).get(60, TimeUnit.SECONDS);
    }

    private static StreamGraph graph(StreamExecutionEnvironment env, String name) {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        return graph;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
