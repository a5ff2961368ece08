package io.metaloop.datasets.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Cifar100HierarchyTest {
    /**
     * The table of the research digest (seeds.md §1.2), one row per coarse class:
     * "L3 | L10 | coarse idx: name | fine idx:name, …".
     */
    static final List<String> SEEDS_TABLE = List.of(
            "0 | 0 | 8: large_carnivores | 3:bear, 42:leopard, 43:lion, 88:tiger, 97:wolf",
            "0 | 0 | 11: large_omnivores_and_herbivores | 15:camel, 19:cattle, 21:chimpanzee, 31:elephant, 38:kangaroo",
            "0 | 0 | 15: reptiles | 27:crocodile, 29:dinosaur, 44:lizard, 78:snake, 93:turtle",
            "0 | 1 | 0: aquatic_mammals | 4:beaver, 30:dolphin, 55:otter, 72:seal, 95:whale",
            "0 | 1 | 12: medium_mammals | 34:fox, 63:porcupine, 64:possum, 66:raccoon, 75:skunk",
            "0 | 2 | 1: fish | 1:aquarium_fish, 32:flatfish, 67:ray, 73:shark, 91:trout",
            "0 | 2 | 16: small_mammals | 36:hamster, 50:mouse, 65:rabbit, 74:shrew, 80:squirrel",
            "0 | 3 | 7: insects | 6:bee, 7:beetle, 14:butterfly, 18:caterpillar, 24:cockroach",
            "0 | 3 | 13: non-insect_invertebrates | 26:crab, 45:lobster, 77:snail, 79:spider, 99:worm",
            "0 | 4 | 14: people | 2:baby, 11:boy, 35:girl, 46:man, 98:woman",
            "1 | 5 | 2: flowers | 54:orchid, 62:poppy, 70:rose, 82:sunflower, 92:tulip",
            "1 | 5 | 4: fruit_and_vegetables | 0:apple, 51:mushroom, 53:orange, 57:pear, 83:sweet_pepper",
            "1 | 5 | 17: trees | 47:maple_tree, 52:oak_tree, 56:palm_tree, 59:pine_tree, 96:willow_tree",
            "2 | 6 | 3: food_containers | 9:bottle, 10:bowl, 16:can, 28:cup, 61:plate",
            "2 | 6 | 5: household_electrical_devices | 22:clock, 39:keyboard, 40:lamp, 86:telephone, 87:television",
            "2 | 6 | 6: household_furniture | 5:bed, 20:chair, 25:couch, 84:table, 94:wardrobe",
            "2 | 7 | 9: large_man-made_outdoor_things | 12:bridge, 17:castle, 37:house, 68:road, 76:skyscraper",
            "2 | 8 | 10: large_natural_outdoor_scenes | 23:cloud, 33:forest, 49:mountain, 60:plain, 71:sea",
            "2 | 9 | 18: vehicles_1 | 8:bicycle, 13:bus, 48:motorcycle, 58:pickup_truck, 90:train",
            "2 | 9 | 19: vehicles_2 | 41:lawn_mower, 69:rocket, 81:streetcar, 85:tank, 89:tractor");

    @Test
    void everyFineClassHasTheCoarseTenAndThreeLabelsOfTheTable() {
        Set<Integer> seenFine = new HashSet<>();
        Set<Integer> seenCoarse = new HashSet<>();
        for (String row : SEEDS_TABLE) {
            String[] cols = row.split("\\|");
            int three = Integer.parseInt(cols[0].strip());
            int ten = Integer.parseInt(cols[1].strip());
            String[] coarse = cols[2].strip().split(": ");
            int c = Integer.parseInt(coarse[0]);
            assertEquals(coarse[1], Cifar100Hierarchy.COARSE_NAMES.get(c));
            assertEquals(ten, Cifar100Hierarchy.tenOfCoarse(c), row);
            assertEquals(three, Cifar100Hierarchy.threeOfTen(ten), row);
            seenCoarse.add(c);
            String[] fines = cols[3].strip().split(", ");
            assertEquals(5, fines.length, row);
            for (String f : fines) {
                String[] kv = f.split(":");
                int fine = Integer.parseInt(kv[0]);
                assertEquals(kv[1], Cifar100Hierarchy.FINE_NAMES.get(fine), row);
                assertEquals(c, Cifar100Hierarchy.coarseOfFine(fine), kv[1]);
                assertArrayEquals(new int[] {fine, c, ten, three}, Cifar100Hierarchy.labels(fine), kv[1]);
                assertEquals(ten, Cifar100Hierarchy.ancestor(fine, 100, 10));
                assertEquals(three, Cifar100Hierarchy.ancestor(fine, 100, 3));
                assertEquals(fine, Cifar100Hierarchy.ancestor(fine, 100, 100));
                seenFine.add(fine);
            }
        }
        assertEquals(100, seenFine.size());
        assertEquals(20, seenCoarse.size());
    }

    @Test
    void theRawMapsOfMaxlsCode() {
        int[] coarseToTen = {1, 2, 5, 6, 5, 6, 6, 3, 0, 7, 8, 0, 1, 3, 4, 0, 2, 5, 9, 9};
        for (int c = 0; c < 20; c++) {
            assertEquals(coarseToTen[c], Cifar100Hierarchy.tenOfCoarse(c));
            assertEquals(coarseToTen[c], Cifar100Hierarchy.ancestor(c, 20, 10));
        }
        for (int t = 0; t < 10; t++) {
            assertEquals(t <= 4 ? 0 : t == 5 ? 1 : 2, Cifar100Hierarchy.threeOfTen(t));
        }
    }

    @Test
    void namesOfTheUpperLevels() {
        assertEquals(List.of("fine", "coarse", "ten", "three"), Cifar100Hierarchy.LEVELS);
        assertEquals(100, Cifar100Hierarchy.FINE_NAMES.size());
        assertEquals(100, new HashSet<>(Cifar100Hierarchy.FINE_NAMES).size());
        assertEquals(20, Cifar100Hierarchy.COARSE_NAMES.size());
        assertEquals(List.of("large_animals", "medium_animals", "small_animals", "invertebrates", "people", "plants",
                "household_objects", "man_made_outdoor", "natural_scenes", "vehicles"), Cifar100Hierarchy.TEN_NAMES);
        assertEquals(List.of("animals", "plants", "objects_and_scenes"), Cifar100Hierarchy.THREE_NAMES);
        // each ten-class name fits its coarse classes (spot checks)
        assertEquals("vehicles", Cifar100Hierarchy.TEN_NAMES.get(Cifar100Hierarchy.tenOfCoarse(19)));
        assertEquals("people", Cifar100Hierarchy.TEN_NAMES.get(Cifar100Hierarchy.tenOfCoarse(14)));
        assertEquals("plants", Cifar100Hierarchy.TEN_NAMES.get(Cifar100Hierarchy.tenOfCoarse(17)));
        assertEquals("large_animals", Cifar100Hierarchy.TEN_NAMES.get(Cifar100Hierarchy.tenOfCoarse(15)));
    }

    @Test
    void psiReproducesTheTableOfTheDigest() {
        assertArrayEquals(new int[] {5, 1, 4}, Cifar100Hierarchy.psi(3, 10));
        assertArrayEquals(new int[] {10, 3, 7}, Cifar100Hierarchy.psi(3, 20));
        assertArrayEquals(new int[] {50, 15, 35}, Cifar100Hierarchy.psi(3, 100));
        assertArrayEquals(new int[] {3, 2, 2, 2, 1, 3, 3, 1, 1, 2}, Cifar100Hierarchy.psi(10, 20));
        assertArrayEquals(new int[] {15, 10, 10, 10, 5, 15, 15, 5, 5, 10}, Cifar100Hierarchy.psi(10, 100));
        int[] fives = new int[20];
        Arrays.fill(fives, 5);
        assertArrayEquals(fives, Cifar100Hierarchy.psi(20, 100));
        // the README's rule: len(psi) = primary classes, sum(psi) = auxiliary classes
        for (int p : List.of(3, 10, 20)) {
            for (int a : List.of(10, 20, 100)) {
                if (a > p) {
                    assertEquals(p, Cifar100Hierarchy.psi(p, a).length);
                    assertEquals(a, Arrays.stream(Cifar100Hierarchy.psi(p, a)).sum());
                }
            }
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Cifar100Hierarchy.psi(10, 3));
        assertThrows(IllegalArgumentException.class, () -> Cifar100Hierarchy.psi(20, 20));
        assertThrows(IllegalArgumentException.class, () -> Cifar100Hierarchy.psi(5, 100));
        assertThrows(IllegalArgumentException.class, () -> Cifar100Hierarchy.coarseOfFine(100));
        assertThrows(IllegalArgumentException.class, () -> Cifar100Hierarchy.tenOfCoarse(-1));
        assertThrows(IllegalArgumentException.class, () -> Cifar100Hierarchy.ancestor(3, 10, 100));
    }
}
