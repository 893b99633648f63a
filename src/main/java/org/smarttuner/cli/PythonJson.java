package org.smarttuner.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * JSON as Python's {@code json.dumps} writes it (what Optuna's CLI prints): {@code ", "} and
 * {@code ": "} between items, floats as Python's {@code repr} ({@code 1e-05}, {@code 1.0}),
 * {@code NaN}/{@code Infinity}, and everything outside printable ASCII escaped as {@code \u00e9}.
 */
final class PythonJson {
    private static final ObjectWriter WRITER = mapper().writer(new Separators());

    private PythonJson() {
    }

    static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print " + value + " as JSON", e);
        }
    }

    private static JsonMapper mapper() {
        SimpleModule python = new SimpleModule("python-json");
        python.addSerializer(Double.class, new FloatSerializer());
        python.addSerializer(PyTuple.class, new StdSerializer<>(PyTuple.class) {
            @Override
            public void serialize(PyTuple t, JsonGenerator g, SerializerProvider p) throws IOException {
                p.defaultSerializeValue(t.items(), g);
            }
        });
        JsonMapper m = JsonMapper.builder().addModule(python).build();
        m.getFactory().setCharacterEscapes(new AsciiEscapes());
        return m;
    }

    /** Python's item separators, no newlines. */
    private static final class Separators extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }
    }

    /** {@code float.__repr__}, and Python's tokens for the values JSON lacks. */
    private static final class FloatSerializer extends StdSerializer<Double> {
        private static final long serialVersionUID = 1L;

        FloatSerializer() {
            super(Double.class);
        }

        @Override
        public void serialize(Double d, JsonGenerator g, SerializerProvider p) throws IOException {
            if (d.isNaN()) {
                g.writeNumber("NaN");
            } else if (d.isInfinite()) {
                g.writeNumber(d > 0 ? "Infinity" : "-Infinity");
            } else {
                g.writeNumber(PythonText.floatRepr(d));
            }
        }
    }

    /** {@code ensure_ascii=True}: Jackson's short escapes, and lower-case {@code \\uXXXX} for the rest. */
    private static final class AsciiEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii = standardAsciiEscapesForJSON();

        AsciiEscapes() {
            for (int c = 0; c < 0x20; c++) {
                if (ascii[c] == ESCAPE_STANDARD && "\b\t\n\f\r".indexOf(c) < 0) {
                    ascii[c] = ESCAPE_CUSTOM;
                }
            }
            ascii[0x7f] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return new SerializedString(String.format("\\u%04x", ch));
        }
    }
}
