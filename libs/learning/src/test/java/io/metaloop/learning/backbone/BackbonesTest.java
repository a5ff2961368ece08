package io.metaloop.learning.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaloop.contracts.Catalog;
import io.metaloop.learning.method.Methods;
import io.metaloop.learning.nn.Mode;
import io.metaloop.learning.nn.Network;
import io.metaloop.learning.nn.Sequential;
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
        Backbone conv4 = Backbones.create("conv4", 3, 32, 32);
        Network net = new Network(conv4.layer(), new long[] {3, 32, 32}, DataType.FLOAT, 1);
        assertEquals(24_648, net.numParams());
        assertEquals(64, conv4.featureSize());
        assertEquals(2 * 64, net.buffers().length() - 2 * (8 + 16 + 32)); // running mean and variance per channel
    }

    @Test
    void conv4GivesSixtyFourFeaturesForAnyImageSize() {
        for (int size : new int[] {8, 28, 32, 84}) {
            Network net = new Network(Backbones.create("conv4", 1, size, size).layer(), new long[] {1, size, size}, DataType.FLOAT, 1);
            assertEquals(64, net.forward(Nd4j.rand(DataType.FLOAT, 2, 1, size, size), Mode.EVAL).size(1));
        }
    }

    @Test
    void convNet4HasTheParameterCountDerivedFromItsLayersAnd800FeaturesAt84Pixels() {
        // conv 3·32·9 + 32 = 896, then three of 32·32·9 + 32 = 9,248; batch norm 2·32 per block:
        // 896 + 3·9,248 + 4·64 = 28,896, as PyTorch-MAML's "32.9K" model less its 4,005-parameter head
        Backbone convnet4 = Backbones.create("convnet4", 3, 84, 84);
        Network net = new Network(convnet4.layer(), new long[] {3, 84, 84}, DataType.FLOAT, 1);
        assertEquals(28_896, net.numParams());
        assertEquals(800, convnet4.featureSize(), "84 → 42 → 21 → 10 → 5: 32·5·5");
        assertEquals(800, net.forward(Nd4j.rand(DataType.FLOAT, 2, 3, 84, 84), Mode.TRAIN).size(1));
        // wide: 3·64·9 + 64 = 1,792, three of 64·64·9 + 64 = 36,928, batch norm 4·128: 113,088
        Backbone wide = Backbones.create("wide-convnet4", 3, 84, 84);
        assertEquals(113_088, new Network(wide.layer(), new long[] {3, 84, 84}, DataType.FLOAT, 1).numParams());
        assertEquals(1600, wide.featureSize());
        // on Omniglot's 28 px: 28 → 14 → 7 → 3 → 1
        assertEquals(32, Backbones.create("convnet4", 1, 28, 28).featureSize());
        var e = assertThrows(IllegalArgumentException.class, () -> Backbones.create("convnet4", 1, 12, 12));
        assertTrue(e.getMessage().contains("16×16"), e.getMessage());
    }

    @Test
    void resNet12HasTheParameterCountDerivedFromItsBlocks() {
        // a block from c_in to c: three 3×3 convs 9·c_in·c + 18·c², the 1×1 shortcut c_in·c, four
        // batch norms 8·c, so 10·c_in·c + 18·c² + 8·c:
        // 3→64: 76,160; 64→128: 377,856; 128→256: 1,509,376; 256→512: 6,033,408 — 7,996,800 (≈ 8.0 M)
        Backbone resnet = Backbones.create("resnet12", 3, 84, 84);
        assertEquals(7_996_800, new Network(resnet.layer(), new long[] {3, 84, 84}, DataType.FLOAT, 1).numParams());
        assertEquals(512, resnet.featureSize());
        // wide 64-160-320-640: 76,160 + 564,480 + 2,357,760 + 9,425,920 = 12,424,320 (≈ 12.4 M)
        Backbone wide = Backbones.create("wide-resnet12", 3, 84, 84);
        assertEquals(12_424_320, new Network(wide.layer(), new long[] {3, 84, 84}, DataType.FLOAT, 1).numParams());
        assertEquals(640, wide.featureSize());
    }

    @Test
    void cifarResNetsHaveTheParameterCountsDerivedFromTheirBlocks() {
        // stem 3·16·9 + 2·16 = 464; an identity block of c channels 18·c² + 4·c (16: 4,672;
        // 32: 18,560; 64: 73,984); the first block of stage 2 (16→32, stride 2, projection)
        // 4,608 + 9,216 + 512 + 3·64 = 14,528, of stage 3 (32→64) 18,432 + 36,864 + 2,048 + 3·128 = 57,728
        int[][] expected = {{1, 464 + 4_672 + 14_528 + 57_728}, // 77,392
                {5, 464 + 5 * 4_672 + 14_528 + 4 * 18_560 + 57_728 + 4 * 73_984}, // 466,256
                {9, 464 + 9 * 4_672 + 14_528 + 8 * 18_560 + 57_728 + 8 * 73_984}}; // 855,120
        String[] names = {"resnet8", "resnet32", "resnet56"};
        for (int i = 0; i < 3; i++) {
            Backbone b = Backbones.create(names[i], 3, 32, 32);
            Network net = new Network(b.layer(), new long[] {3, 32, 32}, DataType.FLOAT, 1);
            assertEquals(expected[i][1], net.numParams(), names[i]);
            assertEquals(64, b.featureSize());
        }
        assertEquals(77_392, expected[0][1]);
        assertEquals(466_256, expected[1][1]);
        assertEquals(855_120, expected[2][1]);
        Network resnet8 = new Network(Backbones.create("resnet8", 3, 32, 32).layer(), new long[] {3, 32, 32}, DataType.FLOAT, 1);
        assertEquals(64, resnet8.forward(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32), Mode.TRAIN).size(1));
    }

    @Test
    void vgg16HasTheParameterCountDerivedFromItsConvolutions() {
        // a conv from c_in to c with bias and BatchNorm: 9·c_in·c + c + 2·c
        // block 1: 1,920 + 37,056; block 2: 74,112 + 147,840; block 3: 295,680 + 2·590,592;
        // block 4: 1,181,184 + 2·2,360,832; block 5: 3·2,360,832 — 14,723,136, which is torchvision's
        // VGG-16 convolutions (14,714,688) plus the 8,448 BatchNorm scales and shifts
        Backbone vgg = Backbones.create("vgg16", 3, 32, 32);
        Network net = new Network(vgg.layer(), new long[] {3, 32, 32}, DataType.FLOAT, 1);
        assertEquals(14_723_136, net.numParams());
        assertEquals(14_714_688 + 8_448, net.numParams());
        assertEquals(512, vgg.featureSize(), "32 → 16 → 8 → 4 → 2 → 1");
        var e = assertThrows(IllegalArgumentException.class, () -> Backbones.create("vgg16", 3, 28, 28));
        assertTrue(e.getMessage().contains("32×32"), e.getMessage());
    }

    @Test
    void imageNetResNetsHaveTheParameterCountsDerivedFromTheirBlocks() {
        // stem: 7×7 conv 3·64·49 = 9,408, BN 2·64: 9,536
        // identity block of c channels, two 3×3 convs and two BNs: 18·c² + 4·c
        //   64: 73,984; 128: 295,424; 256: 1,180,672; 512: 4,720,640
        // first block of stages 2–4, c_in → c: 3×3 convs 9·c_in·c + 9·c², 1×1 projection c_in·c,
        // three BNs 6·c, so 10·c_in·c + 9·c² + 6·c
        //   64→128: 230,144; 128→256: 919,040; 256→512: 3,673,088
        int resnet18 = 9_536 + 2 * 73_984 + 230_144 + 295_424 + 919_040 + 1_180_672 + 3_673_088 + 4_720_640;
        int resnet34 = 9_536 + 3 * 73_984 + 230_144 + 3 * 295_424 + 919_040 + 5 * 1_180_672 + 3_673_088 + 2 * 4_720_640;
        // torchvision's counts less the fc layer's 512·1000 + 1000 weights and biases
        assertEquals(11_689_512 - 513_000, resnet18);
        assertEquals(21_797_672 - 513_000, resnet34);
        assertEquals(11_176_512, resnet18);
        assertEquals(21_284_672, resnet34);
        Backbone r18 = Backbones.create("resnet18", 3, 32, 32);
        assertEquals(resnet18, new Network(r18.layer(), new long[] {3, 32, 32}, DataType.FLOAT, 1).numParams());
        assertEquals(512, r18.featureSize());
        Backbone r34 = Backbones.create("resnet34", 3, 32, 32);
        assertEquals(resnet34, new Network(r34.layer(), new long[] {3, 32, 32}, DataType.FLOAT, 1).numParams());
        assertEquals(512, r34.featureSize());
        // grey images: two input channels fewer in the stem, 2·64·49 = 6,272 weights fewer
        Backbone grey = Backbones.create("resnet18", 1, 28, 28);
        assertEquals(resnet18 - 6_272, new Network(grey.layer(), new long[] {1, 28, 28}, DataType.FLOAT, 1).numParams());
    }

    @Test
    void imageNetResNetsHalveTheImageFiveTimesRoundingUp() {
        // each of conv 7×7/2 pad 3, max pool 3×3/2 pad 1, and the stride-2 convs (3×3 pad 1, 1×1 pad 0)
        // takes n to ⌊(n − 1)/2⌋ + 1 = ⌈n/2⌉, so the map before the global pool is ⌈n/32⌉ on a side
        // (seeds.md: 2×2 at 64 px, 3×3 at 96 px); nothing of at least one pixel is too small
        Sequential layers = (Sequential) Backbones.create("resnet34", 3, 224, 224).layer();
        Sequential beforePooling = new Sequential(layers.layers().subList(0, layers.layers().size() - 1));
        for (int size : new int[] {1, 2, 5, 28, 32, 33, 64, 84, 96, 224}) {
            int expected = (size + 31) / 32;
            assertArrayEquals(new long[] {2, 512, expected, expected}, beforePooling.outputShape(new long[] {2, 3, size, size}),
                    size + " px");
        }
        Network net = new Network(Backbones.create("resnet18", 3, 32, 32).layer(), new long[] {3, 32, 32}, DataType.FLOAT, 1);
        var features = net.forward(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32), Mode.TRAIN);
        assertArrayEquals(new long[] {2, 512}, features.shape());
        assertTrue(features.sumNumber().doubleValue() > 0, "ReLU features of random images are not all zero");
    }

    @Test
    void unknownBackboneIsNamedInTheError() {
        var e = assertThrows(IllegalArgumentException.class, () -> Backbones.create("resnet1000", 3, 32, 32));
        assertTrue(e.getMessage().contains("'resnet1000'"), e.getMessage());
    }
}
