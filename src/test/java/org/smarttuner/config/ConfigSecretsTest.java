package org.smarttuner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.spark.StudyIdentity;

/** A password in a URL of the configuration is used, and shown nowhere the configuration is written. */
class ConfigSecretsTest {
    private static final String PW = "s3cr3t-PW-123";

    @TempDir
    Path dir;

    private TunerConfig withPassword(ConfigTestSupport t) {
        t.env.put("PW", PW);
        return t.load(ConfigTestSupport.VALID + """
                output:
                  mlflow: {tracking_uri: 'http://u:${PW}@mlflow.example:5000'}
                """, "training.init_from=hdfs://svc:" + PW + "@namenode:8020/ck/warm.pt");
    }

    @Test
    void printedYamlAndJsonShowTheUserNotThePassword() {
        TunerConfig c = withPassword(new ConfigTestSupport(dir));
        for (ConfigPrinter.Format f : ConfigPrinter.Format.values()) {
            String out = ConfigPrinter.print(c, f);
            assertFalse(out.contains(PW), f + ":\n" + out);
            assertTrue(out.contains("http://u:***@mlflow.example:5000"), f + ":\n" + out);
            assertTrue(out.contains("hdfs://svc:***@namenode:8020/ck/warm.pt"), f + ":\n" + out);
        }
        // The configuration itself keeps it: the tracker signs in with it, the executors read the checkpoint.
        assertEquals("http://u:" + PW + "@mlflow.example:5000", c.output().mlflow().trackingUri().orElseThrow());
        assertTrue(c.training().initFrom().contains(PW));
    }

    @Test
    void theFlattenedConfigForMlflowParamsAndTheStudiesRowHaveNoPassword() {
        TunerConfig c = withPassword(new ConfigTestSupport(dir));
        Map<String, Object> flat = StudyIdentity.flatten(ConfigPrinter.toTree(c));
        assertEquals("http://u:***@mlflow.example:5000", flat.get("output.mlflow.tracking_uri"));
        assertFalse(flat.toString().contains(PW), flat.toString());
        // What the Delta `studies` table gets: init_from defines the study, so it is there, masked.
        Map<String, String> row = StudyIdentity.recorded(c, new org.apache.hadoop.conf.Configuration());
        assertEquals("hdfs://svc:***@namenode:8020/ck/warm.pt", row.get("training.init_from"));
        assertFalse(row.toString().contains(PW), row.toString());
    }

    @Test
    void aMalformedUserPartIsAConfigErrorOnTheKeyWithoutTheSecret() {
        ConfigTestSupport t = new ConfigTestSupport(dir);
        ConfigException e = assertThrows(ConfigException.class, () -> t.load(ConfigTestSupport.VALID,
                "output.mlflow.tracking_uri=http://u:" + PW + "%G1@h:5000"));
        ConfigError err = ConfigTestSupport.only(e.errors(), "output.mlflow.tracking_uri");
        assertEquals("the password in the URL's user:password part has a '%' that is not followed by two hex "
                + "digits (malformed percent-encoding)", err.problem());
        assertTrue(err.allowed().startsWith("http(s)://user:password@host:port with special characters percent-encoded"),
                err.allowed());
        assertFalse(e.getMessage().contains(PW), e.getMessage());
        assertTrue(e.getMessage().contains("--set output.mlflow.tracking_uri=http://u:***@h:5000: "
                + "output.mlflow.tracking_uri: the password"), e.getMessage());
    }

    @Test
    void otherErrorsQuotingTheUrlDoNotShowThePasswordEither() {
        ConfigTestSupport t = new ConfigTestSupport(dir);
        // A scheme the tracker cannot use, and a misspelt key: the --set text is the error's source.
        ConfigException e = assertThrows(ConfigException.class, () -> t.load(ConfigTestSupport.VALID,
                "output.mlflow.tracking_uri=ftp://u:" + PW + "@h", "output.mlflow.trackinguri=http://u:" + PW + "@h"));
        assertEquals(2, e.errors().size(), e.getMessage());
        assertFalse(e.getMessage().contains(PW), e.getMessage());
        assertTrue(e.getMessage().contains("'ftp://u:***@h' is not a tracking URI"), e.getMessage());
        for (ConfigError err : e.errors()) {
            assertFalse(err.toString().contains(PW), err.toString());
        }
    }

    @Test
    void aPasswordlessUserPartIsAConfigError() {
        ConfigTestSupport t = new ConfigTestSupport(dir);
        List<ConfigError> errors = t.errors(ConfigTestSupport.VALID, "output.mlflow.tracking_uri=https://" + PW + "@h");
        ConfigError err = ConfigTestSupport.only(errors, "output.mlflow.tracking_uri");
        assertEquals("the URL has a user part before '@' but no ':password' in it (not shown: it may be a token)",
                err.problem());
        // The --set text is the error's source: the token is in it, and must not show there either.
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> t.load(ConfigTestSupport.VALID, "output.mlflow.tracking_uri=https://" + PW + "@h"));
        assertFalse(e.getMessage().contains(PW), e.getMessage());
    }
}
