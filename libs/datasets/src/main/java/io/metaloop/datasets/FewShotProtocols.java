package io.metaloop.datasets;

import io.metaloop.contracts.FewShotProtocol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Freezes few-shot test protocols: the identity of a protocol is the SHA-256 of the episodes it
 * yields, so two results are comparable exactly when they were measured on the same episodes of
 * the same data.
 *
 * <p>The dataset hash is SHA-256 over the split's shard hashes (hex, one per line, in shard order):
 * the shards hold every pixel and label, so it changes when any image or label does. The protocol
 * id is SHA-256 over: the text {@code metaloop-protocol-v1}, the dataset hash, the split, the image
 * shape C, H, W, the episode shape N, K, Q (each a UTF-8 line), then, for trials 0 … T−1 in order and
 * every image of the trial in frame order (support way by way, then queries way by way), its class
 * and its index in the split as two big-endian int32.
 */
public final class FewShotProtocols {
    private FewShotProtocols() {
    }

    /** SHA-256 (hex) over a split's shard hashes. */
    public static String datasetHash(DatasetManifest manifest, String split) {
        DatasetManifest.SplitManifest sm = manifest.splits().get(split);
        if (sm == null) {
            throw new IllegalArgumentException("dataset '" + manifest.name() + "' has no split '" + split + "'; it has "
                    + manifest.splits().keySet());
        }
        MessageDigest digest = sha256();
        for (DatasetManifest.ShardInfo shard : sm.shards()) {
            digest.update((shard.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The protocol of trials 0 … trials−1 of N-way K-shot Q-query episodes of a split, drawn with
     * {@code seed} by {@code episodes} (the split's sampler).
     *
     * @throws IllegalArgumentException when the split cannot fill such episodes (naming the number)
     */
    public static FewShotProtocol freeze(DatasetManifest manifest, String split, Episodes episodes, int ways, int shots,
                                         int queries, int trials, long seed) {
        if (trials < 1) {
            throw new IllegalArgumentException("trials must be >= 1, got " + trials);
        }
        episodes.requireFits(ways, shots, queries);
        String datasetHash = datasetHash(manifest, split);
        MessageDigest digest = sha256();
        String header = "metaloop-protocol-v1\n" + datasetHash + "\n" + split + "\n" + manifest.channels() + ","
                + manifest.height() + "," + manifest.width() + "\n" + ways + "," + shots + "," + queries + "\n";
        digest.update(header.getBytes(StandardCharsets.UTF_8));
        ByteBuffer pair = ByteBuffer.allocate(8);
        for (long t = 0; t < trials; t++) {
            Episodes.Episode e = episodes.episode(seed, t, ways, shots, queries);
            for (int[][] part : new int[][][] {e.support(), e.query()}) {
                for (int way = 0; way < ways; way++) {
                    for (int example : part[way]) {
                        pair.clear();
                        pair.putInt(e.classes()[way]).putInt(example);
                        digest.update(pair.array());
                    }
                }
            }
        }
        return new FewShotProtocol(HexFormat.of().formatHex(digest.digest()), manifest.name(), datasetHash, split,
                manifest.channels(), manifest.height(), manifest.width(), ways, shots, queries, trials, seed);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
