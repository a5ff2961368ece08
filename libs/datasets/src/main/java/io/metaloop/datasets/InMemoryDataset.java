package io.metaloop.datasets;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** An {@link ImageSink} that keeps everything in memory: for small datasets and tests. */
public final class InMemoryDataset implements ImageSink {
    private DatasetLayout layout;
    private final Map<String, ByteArrayOutputStream> pixels = new LinkedHashMap<>();
    private final Map<String, IntList> labels = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();

    @Override
    public void layout(DatasetLayout layout) {
        if (this.layout != null) {
            throw new IllegalStateException("layout given twice");
        }
        this.layout = layout;
    }

    @Override
    public void image(String split, byte[] imagePixels, int[] imageLabels) {
        if (layout == null) {
            throw new IllegalStateException("image before layout");
        }
        if (imagePixels.length != layout.imageBytes() || imageLabels.length != layout.levels().size()) {
            throw new IllegalArgumentException("image of " + imagePixels.length + " bytes and " + imageLabels.length
                    + " labels does not fit the layout " + layout);
        }
        pixels.computeIfAbsent(split, s -> new ByteArrayOutputStream()).writeBytes(imagePixels);
        IntList l = labels.computeIfAbsent(split, s -> new IntList());
        for (int label : imageLabels) {
            l.add(label);
        }
        counts.merge(split, 1, Integer::sum);
    }

    public DatasetLayout layout() {
        return layout;
    }

    /** Splits in the order the reader first produced them. */
    public Map<String, SplitData> splits() {
        Map<String, SplitData> out = new LinkedHashMap<>();
        for (String split : counts.keySet()) {
            out.put(split, new SplitData(counts.get(split), layout.channels(), layout.height(), layout.width(),
                    layout.levels().size(), pixels.get(split).toByteArray(), labels.get(split).toArray()));
        }
        return out;
    }

    private static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
