package org.smarttuner.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ParamFormatTest {

    @Test
    void sevenAndSevenPointZeroAreTheSameParam() {
        for (Object seven : new Object[] {7, 7L, (short) 7, 7.0, 7.0f, new BigDecimal("7.00"), BigInteger.valueOf(7)}) {
            assertEquals("7", ParamFormat.format(seven), () -> seven.getClass().getSimpleName());
        }
        assertEquals("-3", ParamFormat.format(-3.0));
        assertEquals("0", ParamFormat.format(-0.0));
    }

    @Test
    void fractionsUseTheShortestDecimalInPythonStyle() {
        assertEquals("0.001", ParamFormat.format(0.001));
        assertEquals("0.0001", ParamFormat.format(1e-4));
        assertEquals("1e-05", ParamFormat.format(1e-5));
        assertEquals("3.5e-07", ParamFormat.format(3.5e-7));
        assertEquals("0.1", ParamFormat.format(0.1f));
        assertEquals("0.30000000000000004", ParamFormat.format(0.1 + 0.2));
        assertEquals("12.5", ParamFormat.format(12.5));
        assertEquals("-2.25", ParamFormat.format(-2.25));
        assertEquals("1.5e+20", ParamFormat.format(1.5e20));
        assertEquals("1e+16", ParamFormat.format(1e16));
        assertEquals("9007199254740991", ParamFormat.format(9007199254740991.0));
    }

    @Test
    void oddValues() {
        assertEquals("nan", ParamFormat.format(Double.NaN));
        assertEquals("inf", ParamFormat.format(Double.POSITIVE_INFINITY));
        assertEquals("-inf", ParamFormat.format(Float.NEGATIVE_INFINITY));
        assertEquals("true", ParamFormat.format(true));
        assertEquals("7.0", ParamFormat.format("7.0"), "text is kept as given");
        assertEquals("COMPLETE", ParamFormat.format(TrialOutcome.COMPLETE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParamFormat.format(null));
        assertEquals("param value must not be null", e.getMessage());
    }

    @Test
    void keysAndValuesAreMadeToFitTheSameWayEveryTime() {
        assertEquals("model.layers_0_.dim", Keys.key("model.layers[0].dim"));
        assertEquals(250, Keys.key("k".repeat(300)).length());
        String long1 = Keys.paramValue("v".repeat(7000));
        assertEquals(6000, long1.length());
        assertEquals(long1, Keys.paramValue("v".repeat(7000)));
        assertEquals(5000, Keys.tagValue("t".repeat(9000)).length());
        assertThrows(IllegalArgumentException.class, () -> Keys.key(" "));
    }
}
