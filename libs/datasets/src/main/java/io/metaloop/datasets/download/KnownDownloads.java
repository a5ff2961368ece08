package io.metaloop.datasets.download;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the datasets MetaLoop reads are published, with the SHA-256 of each file where this
 * project has recorded one from a verified copy, and otherwise the MD5 its publisher lists
 * (the CIFAR page lists MD5s; the STL-10, Omniglot and tiny-ImageNet MD5s are the ones the
 * common loaders — torchvision and others — check). A file with neither is downloaded only with
 * {@code --sha256} from a source the user trusts: an unverified archive never reaches an import.
 */
public final class KnownDownloads {
    private static final String FASHION = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    private static final String OMNIGLOT = "https://github.com/brendenlake/omniglot/raw/master/python/";

    private static final Map<String, List<Download>> BY_DATASET = build();

    private KnownDownloads() {
    }

    private static Map<String, List<Download>> build() {
        Map<String, List<Download>> m = new LinkedHashMap<>();
        m.put("fashion-mnist", List.of(
                known(FASHION, "train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
                known(FASHION, "train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
                known(FASHION, "t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
                known(FASHION, "t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05")));
        m.put("omniglot-small", List.of(
                known(OMNIGLOT, "images_background_small1.zip", "f38eb80f801274ac2b4dff5b24289016bfaba4a7d5bb50deebf27104ad6cb8a4"),
                known(OMNIGLOT, "images_background_small2.zip", "3ccaa407515a8778e5d0861875af38b17e418f301ad5bb3b5a6b65d901a41c7f")));
        m.put("omniglot", List.of(
                publisherMd5(OMNIGLOT, "images_background.zip", "68d2efa1b9178cc56df9314c21c6e718"),
                publisherMd5(OMNIGLOT, "images_evaluation.zip", "6b91aef0f799c5bb55b94e3f2daec811")));
        m.put("cifar10", List.of(
                publisherMd5("https://www.cs.toronto.edu/~kriz/", "cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530")));
        m.put("cifar100", List.of(
                publisherMd5("https://www.cs.toronto.edu/~kriz/", "cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8")));
        m.put("stl10", List.of(
                publisherMd5("http://ai.stanford.edu/~acoates/stl10/", "stl10_binary.tar.gz", "91f7769df0f17e558f3565bffb0c7dfb")));
        m.put("tiny-imagenet", List.of(
                publisherMd5("http://cs231n.stanford.edu/", "tiny-imagenet-200.zip", "90528d7ca1a48142e341f4ef8d21d0de")));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Download known(String base, String file, String sha256) {
        return new Download(file, URI.create(base + file), Optional.of(sha256));
    }

    private static Download publisherMd5(String base, String file, String md5) {
        return new Download(file, URI.create(base + file), Optional.empty(), Optional.of(md5));
    }

    public static List<String> datasets() {
        return List.copyOf(BY_DATASET.keySet());
    }

    public static List<Download> files(String dataset) {
        List<Download> files = BY_DATASET.get(dataset);
        if (files == null) {
            throw new IllegalArgumentException("no known download for '" + dataset + "'; known: " + datasets());
        }
        return files;
    }
}
