package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessExitTest {
    final List<Integer> exits = new ArrayList<>();

    @Test
    void outsideDatabricksTheJvmExitsWithTheCode() {
        ProcessExit.end(0, Map.<String, String>of()::get, exits::add);
        ProcessExit.end(2, Map.<String, String>of()::get, exits::add);
        assertEquals(List.of(0, 2), exits);
    }

    @Test
    void aDatabricksJarTaskReturnsOnSuccessAndThrowsOnFailureWithoutExiting() {
        Map<String, String> databricks = Map.of("DATABRICKS_RUNTIME_VERSION", "17.3");
        ProcessExit.end(Main.OK, databricks::get, exits::add);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProcessExit.end(Main.USAGE_ERROR, databricks::get, exits::add));
        assertTrue(e.getMessage().startsWith("smart-tuner exited with code 2 (2: usage or configuration error"),
                e.getMessage());
        assertEquals(List.of(), exits, "System.exit is never called on Databricks");
    }
}
