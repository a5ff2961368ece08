package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardsTest {
    private static final int C = 2;
    private static final int H = 3;
    private static final int W = 2;
    private static final int LEVELS = 2;
    private static final int IMAGE_BYTES = C * H * W;

    /** {@code n} images with distinct pixels; labels (i mod 10, 100 + i). */
    static SplitData data(int n) {
        byte[] px = new byte[n * IMAGE_BYTES];
        for (int k = 0; k < px.length; k++) {
            px[k] = (byte) (k * 31 + 7);
        }
        int[] labels = new int[n * LEVELS];
        for (int i = 0; i < n; i++) {
            labels[i * LEVELS] = i % 10;
            labels[i * LEVELS + 1] = 100 + i;
        }
        return new SplitData(n, C, H, W, LEVELS, px, labels);
    }

    static DatasetManifest manifest(String split, long examples, List<Shards.EncodedShard> shards) {
        List<DatasetManifest.ShardInfo> infos = shards.stream().map(Shards.EncodedShard::info).toList();
        return manifestOf(split, examples, infos);
    }

    static DatasetManifest manifestOf(String split, long examples, List<DatasetManifest.ShardInfo> infos) {
        return new DatasetManifest(DatasetManifest.FORMAT_VERSION, "toy", "import-1", C, H, W, levels(LEVELS),
                Map.of(split, new DatasetManifest.SplitManifest(examples, infos)), "unit test",
                Instant.parse("2024-01-02T03:04:05Z"));
    }

    /** {@code count} label levels: the first with ten digit classes, the others with two classes each. */
    static List<LabelLevel> levels(int count) {
        List<LabelLevel> levels = new java.util.ArrayList<>();
        levels.add(new LabelLevel("digit", List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")));
        for (int l = 1; l < count; l++) {
            levels.add(new LabelLevel("level" + l, List.of("a", "b")));
        }
        return levels;
    }

    static String sha256Hex(byte[] bytes) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
        StringBuilder hex = new StringBuilder();
        for (byte b : digest) {
            hex.append(String.format("%02x", b & 0xFF));
        }
        return hex.toString();
    }

    private static List<byte[]> bytesOf(List<Shards.EncodedShard> shards) {
        List<byte[]> out = new ArrayList<>();
        for (Shards.EncodedShard s : shards) {
            out.add(s.bytes().clone());
        }
        return out;
    }

    private static void assertSameData(SplitData expected, SplitData actual) {
        assertEquals(expected.count(), actual.count());
        assertEquals(expected.channels(), actual.channels());
        assertEquals(expected.height(), actual.height());
        assertEquals(expected.width(), actual.width());
        assertEquals(expected.labelLevels(), actual.labelLevels());
        assertArrayEquals(expected.pixels(), actual.pixels());
        assertArrayEquals(expected.labels(), actual.labels());
    }

    // ---------------------------------------------------------------- encode

    @Test
    void keysFollowTheLayout() {
        assertEquals("datasets/fashion-mnist/train/shard-00000.mlbf", Shards.key("fashion-mnist", "train", 0));
        assertEquals("datasets/toy/test/shard-00042.mlbf", Shards.key("toy", "test", 42));
        assertEquals("datasets/toy/test/shard-12345.mlbf", Shards.key("toy", "test", 12345));
        assertEquals("datasets/toy/manifest.json", DatasetManifest.key("toy"));
    }

    @Test
    void twentyFiveImagesMakeShardsOfTenTenAndFive() throws Exception {
        List<Shards.EncodedShard> shards = Shards.encode("toy", "train", data(25), 10);
        assertEquals(3, shards.size());
        int[] expectedExamples = {10, 10, 5};
        for (int s = 0; s < 3; s++) {
            DatasetManifest.ShardInfo info = shards.get(s).info();
            byte[] bytes = shards.get(s).bytes();
            assertEquals("datasets/toy/train/shard-0000" + s + ".mlbf", info.key());
            assertEquals(expectedExamples[s], info.examples());
            assertEquals(bytes.length, info.bytes());
            // 48-byte header + n·C·H·W pixels + 4·n·L label bytes + 4-byte CRC32C
            assertEquals(48 + expectedExamples[s] * IMAGE_BYTES + 4 * expectedExamples[s] * LEVELS + 4, bytes.length);
            assertEquals(sha256Hex(bytes), info.sha256());
            assertTrue(info.sha256().matches("[0-9a-f]{64}"), info.sha256());
        }
    }

    @Test
    void shardHeaderFollowsTheFrameLayout() {
        List<Shards.EncodedShard> shards = Shards.encode("toy", "train", data(25), 10);
        for (int s = 0; s < 3; s++) {
            ByteBuffer b = ByteBuffer.wrap(shards.get(s).bytes()); // big-endian
            assertEquals("MLBF", new String(shards.get(s).bytes(), 0, 4, StandardCharsets.US_ASCII));
            assertEquals(1, b.get(4)); // version
            assertEquals(1, b.get(5)); // kind: image batch
            assertEquals(48, b.getShort(6));
            assertEquals(0, b.getInt(8)); // epoch 0 for shards
            assertEquals(s, b.getLong(12)); // batch index = shard number
            assertEquals(0, b.getLong(20)); // "batches in epoch" is unused for shards (written as they fill)
            assertEquals(s == 2 ? 5 : 10, b.getInt(28));
            assertEquals(C, b.getShort(32));
            assertEquals(H, b.getShort(34));
            assertEquals(W, b.getShort(36));
            assertEquals(LEVELS, b.getShort(38));
        }
        // shard 1 holds images 10..19: its first pixel is pixel 10·12 of the split
        byte[] shard1 = shards.get(1).bytes();
        assertEquals((byte) (120 * 31 + 7), shard1[48]);
        // its labels follow its 120 pixels: image 10 has labels (0, 110)
        ByteBuffer b1 = ByteBuffer.wrap(shard1);
        assertEquals(0, b1.getInt(48 + 120));
        assertEquals(110, b1.getInt(48 + 120 + 4));
    }

    @Test
    void sha256IsStandard() {
        // FIPS 180-2 test vectors
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Shards.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Shards.sha256(new byte[0]));
    }

    @Test
    void shardCountEdgeCases() {
        assertEquals(2, Shards.encode("toy", "train", data(20), 10).size());
        assertEquals(1, Shards.encode("toy", "train", data(25), 25).size());
        assertEquals(1, Shards.encode("toy", "train", data(25), Shards.DEFAULT_SHARD_SIZE).size());
        assertEquals(25, Shards.encode("toy", "train", data(25), 1).size());
        // an empty split still has one (empty) shard
        List<Shards.EncodedShard> empty = Shards.encode("toy", "train", data(0), 10);
        assertEquals(1, empty.size());
        assertEquals(0, empty.get(0).info().examples());
        assertEquals(52, empty.get(0).bytes().length);
    }

    // ---------------------------------------------------------------- decode

    @Test
    void roundTrip() {
        SplitData original = data(25);
        List<Shards.EncodedShard> shards = Shards.encode("toy", "train", original, 10);
        SplitData back = Shards.decode(manifest("train", 25, shards), "train", bytesOf(shards));
        assertSameData(original, back);
    }

    @Test
    void roundTripForOtherShardSizesAndEmpty() {
        for (int[] c : new int[][] {{20, 10}, {25, 1}, {25, 25}, {25, 100}, {7, 3}, {0, 10}}) {
            SplitData original = data(c[0]);
            List<Shards.EncodedShard> shards = Shards.encode("toy", "test", original, c[1]);
            assertSameData(original, Shards.decode(manifest("test", c[0], shards), "test", bytesOf(shards)));
        }
    }

    @Test
    void rejectsACorruptedShardByteNamingTheShard() {
        List<Shards.EncodedShard> shards = Shards.encode("toy", "train", data(25), 10);
        DatasetManifest m = manifest("train", 25, shards);
        for (int at : new int[] {0, 13, 48, 100, shards.get(1).bytes().length - 1}) {
            List<byte[]> bytes = bytesOf(shards);
            bytes.get(1)[at] ^= 0x01;
            DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> Shards.decode(m, "train", bytes));
            assertEquals("datasets/toy/train/shard-00001.mlbf", e.file());
            assertTrue(e.getMessage().contains("datasets/toy/train/shard-00001.mlbf"), e.getMessage());
            assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        }
    }

    @Test
    void rejectsAShardWhoseShaDiffersFromTheManifest() {
        List<Shards.EncodedShard> shards = Shards.encode("toy", "train", data(25), 10);
        List<DatasetManifest.ShardInfo> infos = new ArrayList<>(shards.stream().map(Shards.EncodedShard::info).toList());
        DatasetManifest.ShardInfo last = infos.get(2);
        infos.set(2, new DatasetManifest.ShardInfo(last.key(), last.examples(), last.bytes(), "0".repeat(64)));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Shards.decode(manifestOf("train", 25, infos), "train", bytesOf(shards)));
        assertEquals("datasets/toy/train/shard-00002.mlbf", e.file());
        assertEquals(0, e.byteOffset());
    }

    @Test
    void rejectsShardsInTheWrongOrder() {
        List<Shards.EncodedShard> shards = Shards.encode("toy", "train", data(25), 10);
        List<byte[]> swapped = bytesOf(shards);
        java.util.Collections.swap(swapped, 0, 1);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Shards.decode(manifest("train", 25, shards), "train", swapped));
        assertEquals("datasets/toy/train/shard-00000.mlbf", e.file());
    }

    @Test
    void corruptionBehindAMatchingShaIsCaughtByTheFrameChecksum() {
        // a manifest rewritten after the shard was damaged: the SHA matches, the frame's CRC32C does not
        List<Shards.EncodedShard> shards = Shards.encode("toy", "train", data(25), 10);
        List<byte[]> bytes = bytesOf(shards);
        bytes.get(0)[60] ^= 0x40;
        List<DatasetManifest.ShardInfo> infos = new ArrayList<>(shards.stream().map(Shards.EncodedShard::info).toList());
        DatasetManifest.ShardInfo first = infos.get(0);
        infos.set(0, new DatasetManifest.ShardInfo(first.key(), first.examples(), first.bytes(), sha256Of(bytes.get(0))));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Shards.decode(manifestOf("train", 25, infos), "train", bytes));
        assertEquals("datasets/toy/train/shard-00000.mlbf", e.file());
        assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
        // the frame reports the offset of its checksum trailer
        assertEquals(bytes.get(0).length - 4, e.byteOffset());
    }

    @Test
    void truncatedShardBehindAMatchingShaIsRejected() {
        List<Shards.EncodedShard> shards = Shards.encode("toy", "train", data(25), 10);
        List<byte[]> bytes = bytesOf(shards);
        bytes.set(2, Arrays.copyOf(bytes.get(2), bytes.get(2).length - 10));
        List<DatasetManifest.ShardInfo> infos = new ArrayList<>(shards.stream().map(Shards.EncodedShard::info).toList());
        DatasetManifest.ShardInfo last = infos.get(2);
        infos.set(2, new DatasetManifest.ShardInfo(last.key(), last.examples(), last.bytes(), sha256Of(bytes.get(2))));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Shards.decode(manifestOf("train", 25, infos), "train", bytes));
        assertEquals("datasets/toy/train/shard-00002.mlbf", e.file());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsAShardWhoseShapeDiffersFromTheManifest() {
        List<Shards.EncodedShard> shards = Shards.encode("toy", "train", data(25), 10);
        // the manifest claims shard 1 holds 9 images
        List<DatasetManifest.ShardInfo> infos = new ArrayList<>(shards.stream().map(Shards.EncodedShard::info).toList());
        DatasetManifest.ShardInfo mid = infos.get(1);
        infos.set(1, new DatasetManifest.ShardInfo(mid.key(), 9, mid.bytes(), mid.sha256()));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Shards.decode(manifestOf("train", 25, infos), "train", bytesOf(shards)));
        assertEquals("datasets/toy/train/shard-00001.mlbf", e.file());
        assertEquals(28, e.byteOffset());

        // a manifest with a different image shape
        DatasetManifest m = new DatasetManifest(2, "toy", "import-1", 1, H, W, levels(LEVELS),
                Map.of("train", new DatasetManifest.SplitManifest(25,
                        shards.stream().map(Shards.EncodedShard::info).toList())), "unit test", Instant.EPOCH);
        DatasetFormatException shape = assertThrows(DatasetFormatException.class,
                () -> Shards.decode(m, "train", bytesOf(shards)));
        assertEquals("datasets/toy/train/shard-00000.mlbf", shape.file());

        // a manifest promising fewer images than the shards hold
        DatasetFormatException tooMany = assertThrows(DatasetFormatException.class,
                () -> Shards.decode(manifest("train", 24, shards), "train", bytesOf(shards)));
        assertEquals("datasets/toy/train/shard-00002.mlbf", tooMany.file());
    }

    @Test
    void rejectsWrongShardListOrTotal() {
        List<Shards.EncodedShard> shards = Shards.encode("toy", "train", data(25), 10);
        DatasetManifest m = manifest("train", 25, shards);
        assertThrows(IllegalArgumentException.class, () -> Shards.decode(m, "train", bytesOf(shards).subList(0, 2)));
        // a manifest promising more images than the shards hold
        assertThrows(IllegalArgumentException.class,
                () -> Shards.decode(manifest("train", 26, shards), "train", bytesOf(shards)));
    }

    @Test
    void manifestInfoListsSplitSizes() {
        List<Shards.EncodedShard> shards = Shards.encode("toy", "train", data(25), 10);
        io.metaloop.contracts.DatasetInfo info = manifest("train", 25, shards).info();
        assertEquals("toy", info.name());
        assertEquals(C, info.channels());
        assertEquals(H, info.height());
        assertEquals(W, info.width());
        assertEquals(LEVELS, info.labelLevels());
        assertEquals(Map.of("train", 25L), info.splits());
        assertEquals(10, info.classes().size());
    }

    private static String sha256Of(byte[] bytes) {
        try {
            return sha256Hex(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
