package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.DatasetInfo;
import io.metaloop.contracts.InvalidMessageException;
import io.metaloop.contracts.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The per-split class statistics that {@link ShardWriter} records in the manifest. */
class ShardWriterClassStatisticsTest {
    private static final Instant AT = Instant.parse("2024-01-02T03:04:05Z");

    /** 1×2×2 images; primary level with four classes, a second level with two. */
    private static DatasetLayout layout() {
        return new DatasetLayout(1, 2, 2, List.of(new LabelLevel("fine", List.of("a", "b", "c", "d")),
                new LabelLevel("coarse", List.of("x", "y"))));
    }

    private static void images(ShardWriter writer, String split, int primary, int secondary, int count) {
        for (int i = 0; i < count; i++) {
            writer.image(split, new byte[] {(byte) i, 1, 2, 3}, new int[] {primary, secondary});
        }
    }

    /**
     * train: a ×3, b ×1, d ×2, two unlabelled images, class c empty; test: a ×2, c ×4;
     * unlabeled: three unlabelled images. Shards of two images, so counts span several shards.
     */
    private static DatasetManifest toy(Map<String, byte[]> stored) {
        ShardWriter writer = new ShardWriter("toy", "import-1", 2, stored::put);
        writer.layout(layout());
        images(writer, "train", 0, 0, 2);
        images(writer, "train", -1, -1, 1);
        images(writer, "test", 2, 1, 4);
        images(writer, "train", 3, 1, 2);
        images(writer, "train", 1, 0, 1);
        images(writer, "unlabeled", -1, -1, 3);
        images(writer, "train", 0, 1, 1);
        images(writer, "test", 0, 0, 2);
        images(writer, "train", -1, -1, 1);
        return writer.finish("unit test", AT);
    }

    @Test
    void countsDistinctPrimaryClassesAndTheSmallestOneIgnoringUnlabelledImagesAndEmptyClasses() {
        Map<String, byte[]> stored = new LinkedHashMap<>();
        DatasetManifest manifest = toy(stored);
        DatasetManifest.SplitManifest train = manifest.splits().get("train");
        assertEquals(8, train.examples());
        assertEquals(4, train.shards().size());
        assertEquals(3, train.classes());          // a, b, d; c has no image, -1 is no class
        assertEquals(1, train.smallestClass());    // b
        DatasetManifest.SplitManifest test = manifest.splits().get("test");
        assertEquals(6, test.examples());
        assertEquals(2, test.classes());           // a, c
        assertEquals(2, test.smallestClass());     // a
        DatasetManifest.SplitManifest unlabeled = manifest.splits().get("unlabeled");
        assertEquals(3, unlabeled.examples());
        assertEquals(0, unlabeled.classes());
        assertEquals(0, unlabeled.smallestClass());
        assertEquals(4 + 3 + 2, stored.size());
    }

    @Test
    void theCatalogueEntryCarriesTheStatistics() {
        DatasetInfo info = toy(new LinkedHashMap<>()).info();
        assertEquals(Map.of("train", new DatasetInfo.SplitClasses(3, 1), "test", new DatasetInfo.SplitClasses(2, 2),
                "unlabeled", new DatasetInfo.SplitClasses(0, 0)), info.splitClasses());
        assertEquals(Optional.of("split 'train' has 3 classes, fewer than ways=4"), info.episodeProblem("train", 4, 1, 0));
        assertEquals(Optional.of("split 'test' has at most 2 images in its smallest class, fewer than shots+queries=3"),
                info.episodeProblem("test", 2, 1, 2));
        assertEquals(Optional.empty(), info.episodeProblem("test", 2, 1, 1));
        assertEquals(Optional.of("split 'unlabeled' has 0 classes, fewer than ways=1"),
                info.episodeProblem("unlabeled", 1, 1, 0));
    }

    @Test
    void theStatisticsSurviveTheManifestJson() {
        DatasetManifest manifest = toy(new LinkedHashMap<>());
        String json = Json.writeString(manifest);
        assertTrue(json.contains("\"classes\":3,\"smallestClass\":1"), json);
        DatasetManifest read = Json.read(json, DatasetManifest.class);
        assertEquals(manifest, read);
        assertEquals(3, read.splits().get("train").classes());
    }

    /** A manifest as the previous build wrote it: format 2, no class statistics. */
    private static final String OLD_MANIFEST = """
            {"formatVersion":2,"name":"fashion-mnist","importId":"20240102T030405-abcdef01","channels":1,"height":28,"width":28,
             "levels":[{"name":"class","classes":["T-shirt/top","Trouser"]}],
             "splits":{"train":{"examples":3,"shards":[{"key":"datasets/fashion-mnist/20240102T030405-abcdef01/train/shard-00000.mlbf",
               "examples":3,"bytes":2400,"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}]}},
             "source":"fashion-mnist from data","importedAt":"2024-01-02T03:04:05Z"}
            """;

    @Test
    void aManifestWrittenBeforeTheStatisticsReadsWithNulls() {
        DatasetManifest manifest = Json.read(OLD_MANIFEST, DatasetManifest.class);
        assertEquals(DatasetManifest.FORMAT_VERSION, manifest.formatVersion());
        DatasetManifest.SplitManifest train = manifest.splits().get("train");
        assertEquals(3, train.examples());
        assertEquals(1, train.shards().size());
        assertNull(train.classes());
        assertNull(train.smallestClass());
        assertFalse(train.hasClassStatistics());
        DatasetInfo info = manifest.info();
        assertEquals(Map.of("train", 3L), info.splits());
        assertEquals(Map.of(), info.splitClasses());
        assertEquals(Optional.empty(), info.episodeProblem("train", 5, 1, 15));
    }

    @Test
    void halfTheStatisticsIsRefused() {
        String half = OLD_MANIFEST.replace("\"examples\":3,\"shards\"", "\"examples\":3,\"classes\":2,\"shards\"");
        assertThrows(InvalidMessageException.class, () -> Json.read(half, DatasetManifest.class));
        assertThrows(IllegalArgumentException.class, () -> new DatasetManifest.SplitManifest(1, List.of(), 1, null));
        assertThrows(IllegalArgumentException.class, () -> new DatasetManifest.SplitManifest(1, List.of(), 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new DatasetManifest.SplitManifest(1, List.of(), -1, 3));
    }
}
