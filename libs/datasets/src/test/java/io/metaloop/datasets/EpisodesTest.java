package io.metaloop.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpisodesTest {
    /** 10 classes; class c has 6 + c examples, interleaved in the split. */
    private static int[] labels() {
        int[] sizes = new int[10];
        int total = 0;
        for (int c = 0; c < 10; c++) {
            sizes[c] = 6 + c;
            total += sizes[c];
        }
        int[] labels = new int[total];
        int i = 0;
        for (int round = 0; i < total; round++) {
            for (int c = 0; c < 10; c++) {
                if (round < sizes[c]) {
                    labels[i++] = c;
                }
            }
        }
        return labels;
    }

    @Test
    void episodesHaveDistinctClassesAndDistinctImagesOfTheRightClass() {
        int[] labels = labels();
        Episodes episodes = new Episodes(labels, 10);
        for (long trial = 0; trial < 200; trial++) {
            Episodes.Episode e = episodes.episode(7, trial, 5, 2, 4);
            assertEquals(5, Arrays.stream(e.classes()).distinct().count(), "ways are distinct classes");
            Set<Integer> images = new HashSet<>();
            for (int w = 0; w < 5; w++) {
                assertEquals(2, e.support()[w].length);
                assertEquals(4, e.query()[w].length);
                for (int idx : concat(e.support()[w], e.query()[w])) {
                    assertEquals(e.classes()[w], labels[idx], "image of way " + w + " belongs to its class");
                    assertTrue(images.add(idx), "image " + idx + " used twice in trial " + trial);
                }
            }
        }
    }

    @Test
    void theSameSeedAndTrialGiveTheSameEpisodeWhateverWasSampledBefore() {
        Episodes a = new Episodes(labels(), 10);
        Episodes b = new Episodes(labels(), 10);
        a.episodes(3, 0, 50, 5, 1, 5); // a has sampled other trials first
        Episodes.Episode x = a.episode(3, 42, 5, 1, 5);
        Episodes.Episode y = b.episode(3, 42, 5, 1, 5);
        assertArrayEquals(x.classes(), y.classes());
        assertTrue(Arrays.deepEquals(x.support(), y.support()) && Arrays.deepEquals(x.query(), y.query()));
        Episodes.Episode otherSeed = b.episode(4, 42, 5, 1, 5);
        Episodes.Episode otherTrial = b.episode(3, 43, 5, 1, 5);
        assertFalse(Arrays.deepEquals(x.support(), otherSeed.support()) && Arrays.equals(x.classes(), otherSeed.classes()));
        assertFalse(Arrays.deepEquals(x.support(), otherTrial.support()) && Arrays.equals(x.classes(), otherTrial.classes()));
    }

    @Test
    void classesAreChosenUniformly() {
        // 5 of 10 classes per episode: each class is chosen with probability 1/2
        Episodes episodes = new Episodes(labels(), 10);
        int[] chosen = new int[10];
        int trials = 20_000;
        for (long t = 0; t < trials; t++) {
            for (int c : episodes.episode(11, t, 5, 1, 1).classes()) {
                chosen[c]++;
            }
        }
        double expected = trials / 2.0;
        double chi2 = 0;
        for (int count : chosen) {
            chi2 += (count - expected) * (count - expected) / expected;
        }
        // 9 degrees of freedom: P(chi2 > 27.9) = 0.001; the seed is fixed, so this cannot flicker
        assertTrue(chi2 < 27.9, "chi-square " + chi2 + " for counts " + Arrays.toString(chosen));
    }

    @Test
    void requestsThatDoNotFitNameTheNumber() {
        Episodes episodes = new Episodes(labels(), 10);
        var ways = assertThrows(IllegalArgumentException.class, () -> episodes.episode(1, 0, 11, 1, 1));
        assertEquals("ways=11 is more than the 10 classes of the split", ways.getMessage());
        var size = assertThrows(IllegalArgumentException.class, () -> episodes.episode(1, 0, 5, 5, 2));
        assertEquals("shots+queries=7 is more than the 6 images of the split's smallest class", size.getMessage());
        assertThrows(IllegalArgumentException.class, () -> episodes.episode(1, 0, 0, 1, 1));
        assertEquals(6, episodes.smallestClass());
        assertEquals(10, episodes.classCount());
    }

    @Test
    void classesAbsentFromTheSplitAreNeverChosen() {
        int[] labels = {0, 0, 0, 2, 2, 2, 4, 4, 4}; // classes 1 and 3 have no images here
        Episodes episodes = new Episodes(labels, 5);
        assertEquals(3, episodes.classCount());
        for (long t = 0; t < 50; t++) {
            for (int c : episodes.episode(5, t, 3, 1, 2).classes()) {
                assertTrue(c == 0 || c == 2 || c == 4);
            }
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
