package io.metaloop.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How far training is: {@code epoch} epochs completed out of {@code epochs}, and {@code step}
 * steps into the current epoch of {@code stepsPerEpoch} (0 until the first batch tells the size).
 */
@JsonIgnoreProperties(value = "fraction", allowGetters = true)
public record Progress(int epoch, int epochs, long step, long stepsPerEpoch) {
    public static Progress start(int epochs) {
        return new Progress(0, epochs, 0, 0);
    }

    /** Fraction of all training steps done, in [0, 1]. */
    @JsonProperty("fraction")
    public double fraction() {
        if (epochs == 0) {
            return 0;
        }
        double inEpoch = stepsPerEpoch > 0 ? Math.min(1.0, (double) step / stepsPerEpoch) : 0;
        return Math.min(1.0, (epoch + inEpoch) / epochs);
    }
}
