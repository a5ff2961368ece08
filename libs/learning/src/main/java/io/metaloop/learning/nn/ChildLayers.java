package io.metaloop.learning.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The bookkeeping every container layer ({@link Sequential}, {@link ParallelHeads}) shares: its
 * tensors are its children's, child after child, each child's names prefixed with the child's name,
 * and a flat list of views is handed to the children in consecutive slices.
 */
final class ChildLayers {
    private ChildLayers() {
    }

    static List<long[]> parameterShapes(List<Layer> children) {
        List<long[]> out = new ArrayList<>();
        children.forEach(c -> out.addAll(c.parameterShapes()));
        return out;
    }

    static List<long[]> bufferShapes(List<Layer> children) {
        List<long[]> out = new ArrayList<>();
        children.forEach(c -> out.addAll(c.bufferShapes()));
        return out;
    }

    static List<String> parameterNames(List<String> names, List<Layer> children) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            out.addAll(Names.prefixed(names.get(i), children.get(i).parameterNames()));
        }
        return out;
    }

    static List<String> bufferNames(List<String> names, List<Layer> children) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            out.addAll(Names.prefixed(names.get(i), children.get(i).bufferNames()));
        }
        return out;
    }

    static void bind(List<Layer> children, List<INDArray> params, List<INDArray> grads, List<INDArray> buffers) {
        int p = 0;
        int b = 0;
        for (Layer c : children) {
            int np = c.parameterShapes().size();
            int nb = c.bufferShapes().size();
            c.bind(params.subList(p, p + np), grads.subList(p, p + np), buffers.subList(b, b + nb));
            p += np;
            b += nb;
        }
    }

    static void initialise(List<Layer> children, List<INDArray> params, List<INDArray> buffers, Random random) {
        int p = 0;
        int b = 0;
        for (Layer c : children) {
            int np = c.parameterShapes().size();
            int nb = c.bufferShapes().size();
            c.initialise(params.subList(p, p + np), buffers.subList(b, b + nb), random);
            p += np;
            b += nb;
        }
    }

    static void bindTangents(List<Layer> children, List<INDArray> paramTangents, List<INDArray> gradTangents) {
        int p = 0;
        for (Layer c : children) {
            int np = c.parameterShapes().size();
            c.bindTangents(paramTangents.subList(p, p + np), gradTangents.subList(p, p + np));
            p += np;
        }
    }
}
