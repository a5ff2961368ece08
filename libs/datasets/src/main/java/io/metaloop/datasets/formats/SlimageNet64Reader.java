package io.metaloop.datasets.formats;

/**
 * SlimageNet64 (Antoniou et al. 2020, Zenodo record 3672132), as the self-supervised relational
 * reasoning code reads it: {@code SlimageNet64/train/<class>/<image>} and {@code SlimageNet64/test/...},
 * 64×64 RGB images, 1,000 classes named by their folders. The {@link ImageFolderReader} under the
 * format name {@value #FORMAT}; with image size 0 the images' own 64×64 is kept.
 */
public final class SlimageNet64Reader extends ImageFolderReader {
    public static final String FORMAT = "slimagenet64";

    public SlimageNet64Reader() {
        super(FORMAT);
    }
}
