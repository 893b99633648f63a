package org.smarttuner.tts.data;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedDatasetsTest {
    @Test
    void onePreparationPerSettingsPerJvm(@TempDir Path tmp) throws IOException {
        PreparedDatasets.clear();
        DataSettings a = TestData.settings("synthetic", tmp.resolve("a"), 3);
        DataSettings b = TestData.settings("synthetic", tmp.resolve("b"), 3);
        DataSettings c = TestData.settings("synthetic", tmp.resolve("c"), 3);
        PreparedDataset first = PreparedDatasets.get(a);
        assertSame(first, PreparedDatasets.get(TestData.settings("synthetic", tmp.resolve("a"), 3)), "equal settings");
        PreparedDatasets.get(b);
        PreparedDatasets.get(c);
        assertNotSame(first, PreparedDatasets.get(a), "only the " + PreparedDatasets.CAPACITY + " most recent are kept");
        PreparedDataset again = PreparedDatasets.get(a);
        PreparedDatasets.clear();
        assertNotSame(again, PreparedDatasets.get(a));
        PreparedDatasets.clear();
    }
}
