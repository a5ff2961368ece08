package io.metaloop.episodes.service;

import io.metaloop.contracts.EpisodeRequest;
import io.metaloop.contracts.FewShotProtocol;
import io.metaloop.datasets.FewShotProtocols;
import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.datasets.Batches;
import io.metaloop.datasets.DatasetManifest;
import io.metaloop.datasets.augment.Augmenter;
import io.metaloop.datasets.Episodes;
import io.metaloop.datasets.ShardedSplit;
import io.metaloop.storage.DatasetStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers an episode request with one frame per trial (layout in {@link EpisodeRequest}). A
 * request that cannot be served — unknown dataset or split, or an episode shape the split cannot
 * fill — gets one error frame naming the number that does not fit.
 */
@ApplicationScoped
public class EpisodeServer {
    private static final int CACHED_SAMPLERS = 8;

    private final DatasetStore datasets;
    private final Map<String, Episodes> samplers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Episodes> eldest) {
            return size() > CACHED_SAMPLERS;
        }
    };

    public EpisodeServer(DatasetStore datasets) {
        this.datasets = datasets;
    }

    /** Encoded frames, and how many of them are episodes (0 when the answer is an error frame). */
    public record Served(List<byte[]> frames, int episodes) {
    }

    public Served serve(EpisodeRequest r) {
        Optional<DatasetManifest> manifest = datasets.manifest(r.dataset());
        if (manifest.isEmpty()) {
            return error(r, "unknown dataset '" + r.dataset() + "'");
        }
        if (!manifest.get().splits().containsKey(r.split())) {
            return error(r, "dataset '" + r.dataset() + "' has no split '" + r.split() + "'; it has "
                    + manifest.get().splits().keySet());
        }
        ShardedSplit data = datasets.split(manifest.get(), r.split());
        Optional<String> unlabelled = unlabelled(r.dataset(), r.split(), data);
        if (unlabelled.isPresent()) {
            return error(r, unlabelled.get());
        }
        Episodes episodes = sampler(manifest.get(), r.split(), data);
        try {
            episodes.requireFits(r.ways(), r.shots(), r.queries());
        } catch (IllegalArgumentException e) {
            return error(r, e.getMessage() + " (" + r.dataset() + "/" + r.split() + ")");
        }
        Augmenter augmenter;
        try {
            augmenter = new Augmenter(r.augment(), data.channels(), data.height(), data.width());
        } catch (IllegalArgumentException e) {
            return error(r, e.getMessage());
        }
        List<byte[]> frames = new ArrayList<>();
        for (long trial = r.fromTrial(); trial < r.toTrial(); trial++) {
            Episodes.Episode episode = episodes.episode(r.seed(), trial, r.ways(), r.shots(), r.queries());
            BatchFrame frame = frame(data, episode);
            if (!augmenter.isIdentity()) {
                frame = Batches.augment(frame, examples(episode), augmenter, r.seed(), trial);
            }
            frames.add(FrameCodec.encode(frame));
        }
        return new Served(frames, frames.size());
    }

    /** Support images way by way, then query images way by way; labels (way, class) per image. */
    static BatchFrame frame(ShardedSplit data, Episodes.Episode e) {
        int ways = e.classes().length;
        int shots = e.support()[0].length;
        int queries = e.query()[0].length;
        int count = ways * (shots + queries);
        int size = data.imageBytes();
        byte[] pixels = new byte[count * size];
        int[] labels = new int[count * 2];
        int[] classLevels = new int[data.labelLevels()];
        int at = 0;
        for (int[][] part : new int[][][] {e.support(), e.query()}) {
            for (int way = 0; way < ways; way++) {
                for (int example : part[way]) {
                    data.copy(example, pixels, at * size, classLevels, 0);
                    labels[2 * at] = way;
                    labels[2 * at + 1] = e.classes()[way];
                    at++;
                }
            }
        }
        return new BatchFrame(0, e.trial(), 0, count, data.channels(), data.height(), data.width(), 2, pixels, labels);
    }

    /** The split index of each image of {@link #frame}, in the frame's order. */
    static int[] examples(Episodes.Episode e) {
        return java.util.stream.Stream.of(e.support(), e.query())
                .flatMap(java.util.Arrays::stream).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    /** A dataset or split the catalogue does not have. */
    public static final class UnknownDatasetException extends RuntimeException {
        private final String field;

        UnknownDatasetException(String field, String message) {
            super(message);
            this.field = field;
        }

        /** The request's field at fault: {@code dataset} or {@code split}. */
        public String field() {
            return field;
        }
    }

    /** A split whose images carry no class, so it cannot give episodes (the request's {@code split} is at fault). */
    public static final class UnlabelledSplitException extends IllegalArgumentException {
        UnlabelledSplitException(String message) {
            super(message);
        }
    }

    /**
     * The frozen protocol of trials 0 … trials−1 (see {@link FewShotProtocols}).
     *
     * @throws UnknownDatasetException  for an unknown dataset or split
     * @throws UnlabelledSplitException when the split has images without a class
     * @throws IllegalArgumentException when the split cannot fill the episode shape
     */
    public FewShotProtocol protocol(String dataset, String split, int ways, int shots, int queries, int trials, long seed) {
        DatasetManifest manifest = datasets.manifest(dataset)
                .orElseThrow(() -> new UnknownDatasetException("dataset", "unknown dataset '" + dataset + "'"));
        if (!manifest.splits().containsKey(split)) {
            throw new UnknownDatasetException("split", "dataset '" + dataset + "' has no split '" + split + "'; it has "
                    + manifest.splits().keySet());
        }
        ShardedSplit data = datasets.split(manifest, split);
        Optional<String> unlabelled = unlabelled(dataset, split, data);
        if (unlabelled.isPresent()) {
            throw new UnlabelledSplitException(unlabelled.get());
        }
        Episodes sampler = sampler(manifest, split, data);
        try {
            return FewShotProtocols.freeze(manifest, split, sampler, ways, shots, queries, trials, seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + dataset + "/" + split + ")", e);
        }
    }

    /**
     * Why the split cannot give episodes when some of its images carry no class (label −1, e.g.
     * STL-10's {@code unlabeled}); empty when every image has one.
     */
    static Optional<String> unlabelled(String dataset, String split, ShardedSplit data) {
        int[] labels = data.primaryLabels();
        long missing = java.util.Arrays.stream(labels).filter(label -> label < 0).count();
        if (missing == 0) {
            return Optional.empty();
        }
        return Optional.of("split '" + split + "' of dataset '" + dataset + "' has " + missing + " of " + labels.length
                + " images without a class (label -1); episodes need labelled images — use a labelled split");
    }

    private synchronized Episodes sampler(DatasetManifest manifest, String split, ShardedSplit data) {
        String key = manifest.name() + "/" + manifest.importId() + "/" + split;
        return samplers.computeIfAbsent(key, k -> new Episodes(data.primaryLabels(), manifest.classes().size()));
    }

    /** One error frame for the request, carrying {@code message}. */
    public static Served error(EpisodeRequest r, String message) {
        return new Served(List.of(FrameCodec.encodeError(0, r.fromTrial(), message)), 0);
    }
}
