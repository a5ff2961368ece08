package io.metaloop.datasets;

import io.metaloop.contracts.frame.BatchFrame;
import io.metaloop.contracts.frame.FrameCodec;
import io.metaloop.contracts.frame.FrameException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Canonical shards: a split cut into runs of at most {@code shardSize} images, each stored as one
 * batch frame ({@link FrameCodec}: shape header, uint8 pixels, int32 labels at every level,
 * CRC32C) under {@code datasets/<name>/<importId>/<split>/shard-NNNNN.mlbf} (the {@code dataset}
 * argument below is {@code <name>/<importId>}), with the SHA-256 of each in the manifest.
 */
public final class Shards {
    public static final int DEFAULT_SHARD_SIZE = 10_000;

    private Shards() {
    }

    /** One encoded shard and its manifest entry. */
    public record EncodedShard(DatasetManifest.ShardInfo info, byte[] bytes) {
    }

    public static String key(String dataset, String split, int shard) {
        return String.format("datasets/%s/%s/shard-%05d.mlbf", dataset, split, shard);
    }

    /** Cuts a split into shards of at most {@code shardSize} images. */
    public static List<EncodedShard> encode(String dataset, String split, SplitData data, int shardSize) {
        int shardCount = Math.max(1, (data.count() + shardSize - 1) / shardSize);
        List<EncodedShard> shards = new ArrayList<>();
        int imageBytes = data.imageBytes();
        for (int s = 0; s < shardCount; s++) {
            int from = s * shardSize;
            int n = Math.min(shardSize, data.count() - from);
            byte[] pixels = new byte[n * imageBytes];
            System.arraycopy(data.pixels(), from * imageBytes, pixels, 0, pixels.length);
            int[] labels = new int[n * data.labelLevels()];
            System.arraycopy(data.labels(), from * data.labelLevels(), labels, 0, labels.length);
            shards.add(encodeShard(dataset, split, s, new SplitData(n, data.channels(), data.height(), data.width(),
                    data.labelLevels(), pixels, labels)));
        }
        return shards;
    }

    /**
     * One shard: all of {@code data} as shard number {@code index}. Shards of a split are written as
     * they fill up, so the frame's "batches in epoch" field is not used for them (0).
     */
    public static EncodedShard encodeShard(String dataset, String split, int index, SplitData data) {
        BatchFrame frame = new BatchFrame(0, index, 0, data.count(), data.channels(), data.height(), data.width(),
                data.labelLevels(), data.pixels(), data.labels());
        byte[] bytes = FrameCodec.encode(frame);
        return new EncodedShard(new DatasetManifest.ShardInfo(key(dataset, split, index), data.count(), bytes.length,
                sha256(bytes)), bytes);
    }

    /** Joins a split's shards, verifying each against its manifest entry. */
    public static SplitData decode(DatasetManifest manifest, String split, List<byte[]> shardBytes) {
        DatasetManifest.SplitManifest sm = manifest.splits().get(split);
        if (sm == null) {
            throw new IllegalArgumentException("dataset '" + manifest.name() + "' has no split '" + split + "'; it has "
                    + manifest.splits().keySet());
        }
        if (sm.shards().size() != shardBytes.size()) {
            throw new IllegalArgumentException(sm.shards().size() + " shards in the manifest, " + shardBytes.size() + " given");
        }
        int count = (int) sm.examples();
        int imageBytes = manifest.channels() * manifest.height() * manifest.width();
        byte[] pixels = new byte[count * imageBytes];
        int[] labels = new int[count * manifest.labelLevels()];
        int at = 0;
        for (int s = 0; s < shardBytes.size(); s++) {
            DatasetManifest.ShardInfo info = sm.shards().get(s);
            SplitData shard = decodeShard(manifest, info, shardBytes.get(s));
            if (at + shard.count() > count) {
                throw new DatasetFormatException(info.key(), 28, "shards hold more than the manifest's " + count + " images");
            }
            System.arraycopy(shard.pixels(), 0, pixels, at * imageBytes, shard.pixels().length);
            System.arraycopy(shard.labels(), 0, labels, at * manifest.labelLevels(), shard.labels().length);
            at += shard.count();
        }
        if (at != count) {
            throw new IllegalArgumentException("shards hold " + at + " images, manifest says " + count);
        }
        return new SplitData(count, manifest.channels(), manifest.height(), manifest.width(), manifest.labelLevels(),
                pixels, labels);
    }

    /** One shard, verified against its manifest entry (SHA-256, frame checksum, shape). */
    public static SplitData decodeShard(DatasetManifest manifest, DatasetManifest.ShardInfo info, byte[] bytes) {
        if (!sha256(bytes).equals(info.sha256())) {
            throw new DatasetFormatException(info.key(), 0, "SHA-256 differs from the manifest's");
        }
        BatchFrame frame;
        try {
            frame = FrameCodec.decodeBatch(bytes);
        } catch (FrameException e) {
            throw new DatasetFormatException(info.key(), e.byteOffset(), e.getMessage());
        }
        if (frame.count() != info.examples() || frame.channels() != manifest.channels()
                || frame.height() != manifest.height() || frame.width() != manifest.width()
                || frame.labelLevels() != manifest.labelLevels()) {
            throw new DatasetFormatException(info.key(), 28, "shard shape " + frame + " does not match the manifest");
        }
        return new SplitData(frame.count(), frame.channels(), frame.height(), frame.width(), frame.labelLevels(),
                frame.pixels(), frame.labels());
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
