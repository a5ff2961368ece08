package io.metaloop.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The catalogue entry's per-split class statistics and the episode check built on them. */
class DatasetInfoTest {
    private static final List<DatasetInfo.Level> LEVELS = List.of(new DatasetInfo.Level("character", List.of("a", "b")));

    /** Omniglot's bundled alphabet splits at 28 px with rotations, plus a split imported before statistics. */
    private static DatasetInfo omniglot() {
        return new DatasetInfo("omniglot", 1, 28, 28, LEVELS,
                Map.of("train", 9120L, "val", 1760L, "test", 8480L, "old", 100L),
                Map.of("train", new DatasetInfo.SplitClasses(456, 20),
                        "val", new DatasetInfo.SplitClasses(88, 20),
                        "test", new DatasetInfo.SplitClasses(424, 20)));
    }

    @Test
    void tooManyWaysIsNamed() {
        assertEquals(Optional.of("split 'test' has 424 classes, fewer than ways=500"),
                omniglot().episodeProblem("test", 500, 1, 0));
    }

    @Test
    void tooFewImagesInTheSmallestClassIsNamed() {
        assertEquals(Optional.of("split 'val' has at most 20 images in its smallest class, fewer than shots+queries=21"),
                omniglot().episodeProblem("val", 5, 1, 20));
    }

    @Test
    void bothProblemsAreJoined() {
        assertEquals(Optional.of("split 'val' has 88 classes, fewer than ways=89; "
                        + "split 'val' has at most 20 images in its smallest class, fewer than shots+queries=25"),
                omniglot().episodeProblem("val", 89, 5, 20));
    }

    @Test
    void episodesThatFitExactlyHaveNoProblem() {
        DatasetInfo info = omniglot();
        assertEquals(Optional.empty(), info.episodeProblem("test", 424, 1, 19));
        assertEquals(Optional.empty(), info.episodeProblem("train", 456, 20, 0));
        assertEquals(Optional.empty(), info.episodeProblem("val", 5, 5, 15));
        // one more of either is refused
        assertTrue(info.episodeProblem("test", 425, 1, 19).isPresent());
        assertTrue(info.episodeProblem("train", 456, 20, 1).isPresent());
    }

    @Test
    void unknownStatisticsGiveNoProblem() {
        assertEquals(Optional.empty(), omniglot().episodeProblem("old", 1000, 1000, 1000));
        DatasetInfo before = new DatasetInfo("old", 1, 28, 28, LEVELS, Map.of("train", 10L));
        assertEquals(Map.of(), before.splitClasses());
        assertEquals(Optional.empty(), before.episodeProblem("train", 50, 5, 15));
    }

    @Test
    void aMissingSplitIsNamed() {
        assertEquals(Optional.of("dataset 'omniglot' has no split 'tset'; it has [old, test, train, val]"),
                omniglot().episodeProblem("tset", 5, 1, 15));
    }

    @Test
    void aSplitWithoutLabelledImagesFillsNoEpisode() {
        DatasetInfo stl = new DatasetInfo("stl10", 3, 96, 96, LEVELS, Map.of("train", 5000L, "unlabeled", 100000L),
                Map.of("train", new DatasetInfo.SplitClasses(10, 500), "unlabeled", new DatasetInfo.SplitClasses(0, 0)));
        assertEquals(Optional.of("split 'unlabeled' has 0 classes, fewer than ways=1"),
                stl.episodeProblem("unlabeled", 1, 1, 0));
        assertEquals(Optional.of("split 'train' has 10 classes, fewer than ways=11"), stl.episodeProblem("train", 11, 1, 0));
    }

    @Test
    void singularCountsReadNaturally() {
        DatasetInfo tiny = new DatasetInfo("tiny", 1, 2, 2, LEVELS, Map.of("train", 1L),
                Map.of("train", new DatasetInfo.SplitClasses(1, 1)));
        assertEquals(Optional.of("split 'train' has 1 class, fewer than ways=2; "
                + "split 'train' has at most 1 image in its smallest class, fewer than shots+queries=2"),
                tiny.episodeProblem("train", 2, 1, 1));
    }

    @Test
    void outOfRangeArgumentsAreRefused() {
        DatasetInfo info = omniglot();
        assertThrows(IllegalArgumentException.class, () -> info.episodeProblem("test", 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> info.episodeProblem("test", 5, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> info.episodeProblem("test", 5, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> info.episodeProblem(null, 5, 1, 0));
    }

    @Test
    void inconsistentStatisticsAreRefused() {
        assertThrows(InvalidMessageException.class, () -> new DatasetInfo.SplitClasses(-1, 0));
        assertThrows(InvalidMessageException.class, () -> new DatasetInfo.SplitClasses(3, 0));
        assertThrows(InvalidMessageException.class, () -> new DatasetInfo.SplitClasses(0, 4));
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> new DatasetInfo("x", 1, 2, 2, LEVELS, Map.of("train", 1L),
                        Map.of("test", new DatasetInfo.SplitClasses(1, 1))));
        assertEquals("splitClasses", e.errors().get(0).field());
    }

    @Test
    void jsonRoundTripKeepsTheStatistics() {
        DatasetInfo info = omniglot();
        String json = Json.writeString(info);
        assertTrue(json.contains("\"test\":{\"classes\":424,\"smallestClass\":20}"), json);
        assertEquals(info, Json.read(json, DatasetInfo.class));
    }

    @Test
    void anEntryWrittenBeforeTheStatisticsReadsWithNone() {
        DatasetInfo info = Json.read("{\"name\":\"fashion-mnist\",\"channels\":1,\"height\":28,\"width\":28,"
                + "\"levels\":[{\"name\":\"class\",\"classes\":[\"a\",\"b\"]}],\"splits\":{\"train\":20000}}", DatasetInfo.class);
        assertEquals(Map.of(), info.splitClasses());
        assertEquals(Map.of("train", 20000L), info.splits());
        assertEquals(Optional.empty(), info.episodeProblem("train", 5, 1, 15));
    }

    @Test
    void aStatisticMissingInsideAnEntryIsNamed() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> Json.read(
                "{\"name\":\"x\",\"channels\":1,\"height\":2,\"width\":2,\"levels\":[{\"name\":\"c\",\"classes\":[\"a\"]}],"
                        + "\"splits\":{\"train\":3},\"splitClasses\":{\"train\":{\"classes\":1}}}", DatasetInfo.class));
        assertEquals("splitClasses.train.smallestClass", e.errors().get(0).field());
    }
}
