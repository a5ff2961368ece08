package io.metaloop.learning.method.fewshot;

import io.metaloop.learning.nn.Network;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-episode batch-norm statistics of {@link BatchNormSetting#INDUCTIVE_EPISODIC}: at the start
 * of an episode every BatchNorm's running mean is set to 0 and running variance to 1 (the seed's
 * reset of the episode's buffers), and at its end the statistics the network had before are put
 * back, so episodes leave no trace in each other or in the global statistics. For the other
 * settings it does nothing.
 */
final class EpisodeStatistics {
    private final Network net;
    private final INDArray saved;

    private EpisodeStatistics(Network net, INDArray saved) {
        this.net = net;
        this.saved = saved;
    }

    static EpisodeStatistics begin(Network net, BatchNormSetting setting) {
        if (!setting.episodic()) {
            return new EpisodeStatistics(net, null);
        }
        INDArray buffers = net.buffers();
        INDArray saved = buffers.dup();
        for (Network.Tensor t : net.bufferTensors()) {
            double reset = t.name().endsWith("running_var") ? 1 : 0;
            buffers.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(t.offset(), t.offset() + t.length())).assign(reset);
        }
        return new EpisodeStatistics(net, saved);
    }

    /** Puts the statistics from before the episode back. */
    void end() {
        if (saved != null) {
            net.buffers().assign(saved);
        }
    }
}
