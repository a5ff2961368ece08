package io.metaloop.learning.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.Catalog;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class BackbonesTest {
    @Test
    void everyCatalogueNameHasAnImplementation() {
        Catalog.BACKBONES.forEach(name -> assertTrue(Backbones.isKnown(name), name));
        Catalog.METHODS.forEach(name -> assertTrue(Methods.isKnown(name), name));
    }

    @Test
    void conv4HasTheParameterCountDerivedFromItsLayers() {
        // conv weights 3·8·9 + 8·16·9 + 16·32·9 + 32·64·9 = 216 + 1152 + 4608 + 18432 = 24408,
        // batch-norm scale and shift 2·(8 + 16 + 32 + 64) = 240: 24,648 (as in seeds.md)
        Backbone conv4 = Backbones.create("conv4", 3);
        Network net = new Network(conv4.layer(), new long[] {3, 32, 32}, DataType.FLOAT, 1);
        assertEquals(24_648, net.numParams());
        assertEquals(64, conv4.featureSize());
        assertEquals(2 * 64, net.buffers().length() - 2 * (8 + 16 + 32)); // running mean and variance per channel
    }

    @Test
    void conv4GivesSixtyFourFeaturesForAnyImageSize() {
        for (int size : new int[] {8, 28, 32, 84}) {
            Network net = new Network(Backbones.create("conv4", 1).layer(), new long[] {1, size, size}, DataType.FLOAT, 1);
            assertEquals(64, net.forward(Nd4j.rand(DataType.FLOAT, 2, 1, size, size), Mode.EVAL).size(1));
        }
    }

    @Test
    void unknownBackboneIsNamedInTheError() {
        var e = assertThrows(IllegalArgumentException.class, () -> Backbones.create("resnet1000", 3));
        assertTrue(e.getMessage().contains("'resnet1000'"), e.getMessage());
    }
}
