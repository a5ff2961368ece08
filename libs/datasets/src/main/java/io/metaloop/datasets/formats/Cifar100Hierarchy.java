package io.metaloop.datasets.formats;

import java.util.List;

/**
 * The four-level CIFAR-100 label hierarchy MAXL (Liu, Davison &amp; Johns 2019) trains with: the 100 fine
 * classes, the 20 standard coarse classes (superclasses), and MAXL's hard-coded groupings of those into
 * 10 and 3 classes. Indices are those of the standard meta files ({@code fine_label_names.txt},
 * {@code coarse_label_names.txt}, alphabetical order). The names of the 10- and 3-class levels are
 * descriptive names chosen here; MAXL's code has only the integers.
 */
public final class Cifar100Hierarchy {
    /** Level names, primary (finest) first, as {@link Cifar100Reader} lays them out. */
    public static final List<String> LEVELS = List.of("fine", "coarse", "ten", "three");
    /** Number of classes of each level, in the order of {@link #LEVELS}. */
    public static final List<Integer> LEVEL_CLASSES = List.of(100, 20, 10, 3);

    /** The standard fine class names (label i is element i). */
    public static final List<String> FINE_NAMES = List.of("apple", "aquarium_fish", "baby", "bear", "beaver", "bed",
            "bee", "beetle", "bicycle", "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle",
            "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile",
            "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo",
            "keyboard", "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle",
            "mountain", "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear",
            "pickup_truck", "pine_tree", "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray",
            "road", "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
            "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger",
            "tractor", "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm");

    /** The standard coarse class names (superclasses). */
    public static final List<String> COARSE_NAMES = List.of("aquatic_mammals", "fish", "flowers", "food_containers",
            "fruit_and_vegetables", "household_electrical_devices", "household_furniture", "insects",
            "large_carnivores", "large_man-made_outdoor_things", "large_natural_outdoor_scenes",
            "large_omnivores_and_herbivores", "medium_mammals", "non-insect_invertebrates", "people", "reptiles",
            "small_mammals", "trees", "vehicles_1", "vehicles_2");

    /** Names of MAXL's 10-class level; each fits the coarse classes {@link #tenOfCoarse} maps to it. */
    public static final List<String> TEN_NAMES = List.of(
            "large_animals",       // large carnivores, large omnivores and herbivores, reptiles
            "medium_animals",      // aquatic mammals, medium mammals
            "small_animals",       // fish, small mammals
            "invertebrates",       // insects, non-insect invertebrates
            "people",              // people
            "plants",              // flowers, fruit and vegetables, trees
            "household_objects",   // food containers, household electrical devices, household furniture
            "man_made_outdoor",    // large man-made outdoor things
            "natural_scenes",      // large natural outdoor scenes
            "vehicles");           // vehicles 1, vehicles 2

    /** Names of MAXL's 3-class level (animals include people). */
    public static final List<String> THREE_NAMES = List.of("animals", "plants", "objects_and_scenes");

    private static final int[] FINE_TO_COARSE = {
        4, 1, 14, 8, 0, 6, 7, 7, 18, 3,          // apple … bottle
        3, 14, 9, 18, 7, 11, 3, 9, 7, 11,        // bowl … cattle
        6, 11, 5, 10, 7, 6, 13, 15, 3, 15,       // chair … dinosaur
        0, 11, 1, 10, 12, 14, 16, 9, 11, 5,      // dolphin … keyboard
        5, 19, 8, 8, 15, 13, 14, 17, 18, 10,     // lamp … mountain
        16, 4, 17, 4, 2, 0, 17, 4, 18, 17,       // mouse … pine_tree
        10, 3, 2, 12, 12, 16, 12, 1, 9, 19,      // plain … rocket
        2, 10, 0, 1, 16, 12, 9, 13, 15, 13,      // rose … spider
        16, 19, 2, 4, 6, 19, 5, 5, 8, 19,        // squirrel … tractor
        18, 1, 2, 15, 6, 0, 17, 8, 14, 13,       // train … worm
    };

    /** MAXL's 20→10 map, as in its code. */
    private static final int[] COARSE_TO_TEN = {1, 2, 5, 6, 5, 6, 6, 3, 0, 7, 8, 0, 1, 3, 4, 0, 2, 5, 9, 9};

    /** MAXL's 10→3 map: 0…4 → 0, 5 → 1, 6…9 → 2. */
    private static final int[] TEN_TO_THREE = {0, 0, 0, 0, 0, 1, 2, 2, 2, 2};

    private Cifar100Hierarchy() {
    }

    public static int coarseOfFine(int fine) {
        return FINE_TO_COARSE[check(fine, 100)];
    }

    public static int tenOfCoarse(int coarse) {
        return COARSE_TO_TEN[check(coarse, 20)];
    }

    public static int threeOfTen(int ten) {
        return TEN_TO_THREE[check(ten, 10)];
    }

    /** The labels of fine class {@code fine} at the four levels: fine, coarse, ten, three. */
    public static int[] labels(int fine) {
        int coarse = coarseOfFine(fine);
        int ten = tenOfCoarse(coarse);
        return new int[] {fine, coarse, ten, threeOfTen(ten)};
    }

    /**
     * The class at the level with {@code toClasses} classes that class {@code label} of the level with
     * {@code fromClasses} classes belongs to; {@code toClasses} must not be finer than {@code fromClasses}.
     */
    public static int ancestor(int label, int fromClasses, int toClasses) {
        int from = level(fromClasses);
        int to = level(toClasses);
        if (to < from) {
            throw new IllegalArgumentException("the " + toClasses + "-class level is finer than the " + fromClasses
                    + "-class level");
        }
        int l = check(label, fromClasses);
        for (int level = from; level < to; level++) {
            l = switch (level) {
                case 0 -> FINE_TO_COARSE[l];
                case 1 -> COARSE_TO_TEN[l];
                default -> TEN_TO_THREE[l];
            };
        }
        return l;
    }

    /**
     * MAXL's {@code psi} that reproduces this human hierarchy: for each primary class (in index order), the
     * number of auxiliary classes under it, e.g. {@code psi(3, 10)} = [5, 1, 4]. The primary level must be
     * coarser than the auxiliary one; both are given by their number of classes (3, 10, 20 or 100).
     */
    public static int[] psi(int primaryClasses, int auxiliaryClasses) {
        if (level(primaryClasses) <= level(auxiliaryClasses)) {
            throw new IllegalArgumentException("the primary level (" + primaryClasses + " classes) must be coarser"
                    + " than the auxiliary level (" + auxiliaryClasses + " classes)");
        }
        int[] psi = new int[primaryClasses];
        for (int aux = 0; aux < auxiliaryClasses; aux++) {
            psi[ancestor(aux, auxiliaryClasses, primaryClasses)]++;
        }
        return psi;
    }

    /** Index in {@link #LEVELS} of the level with {@code classes} classes. */
    private static int level(int classes) {
        int level = LEVEL_CLASSES.indexOf(classes);
        if (level < 0) {
            throw new IllegalArgumentException("no CIFAR-100 level has " + classes + " classes (levels: "
                    + LEVEL_CLASSES + ")");
        }
        return level;
    }

    private static int check(int label, int classes) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + label + " outside 0…" + (classes - 1));
        }
        return label;
    }
}
