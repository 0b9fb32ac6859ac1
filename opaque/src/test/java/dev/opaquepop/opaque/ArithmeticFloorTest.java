package dev.opaquepop.opaque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ArithmeticFloorTest {
    @Test
    void wholeLogin_isBothSidesTogether() {
        assertThat(ArithmeticFloor.WHOLE_LOGIN).isEqualTo(new ArithmeticFloor(9, 3));
        assertThat(ArithmeticFloor.SERVER_LOGIN.describe()).isEqualTo("4 var + 1 fixed");
        assertThat(ArithmeticFloor.NONE.describe()).isEqualTo("none");
    }

    @Test
    void micros_weighsEachKindByItsUnitCost() {
        ArithmeticFloor.Units units = new ArithmeticFloor.Units(50, 20);

        assertThat(ArithmeticFloor.SERVER_LOGIN.micros(units)).isEqualTo(220.0);
        assertThat(ArithmeticFloor.NONE.micros(units)).isZero();
    }

    @Test
    void negativeCounts_areRefused() {
        assertThatThrownBy(() -> new ArithmeticFloor(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void probe_multipliesItsFixedOperands() {
        ArithmeticFloor.Probe probe = new ArithmeticFloor.Probe(new SecureRandom());

        assertThat(probe.variableBase()).hasSize(32).isEqualTo(probe.variableBase());
        assertThat(probe.fixedBase()).hasSize(32).isEqualTo(probe.fixedBase()).isNotEqualTo(probe.variableBase());
    }

    @Test
    void measure_timesBothKinds() {
        ArithmeticFloor.Units units = ArithmeticFloor.Units.measure();

        assertThat(units.variableBaseMicros()).isPositive().isFinite();
        assertThat(units.fixedBaseMicros()).isPositive().isFinite();
    }
}
