package org.smarttuner.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void aUrlsPasswordIsMaskedAndItsUserKept() {
        assertEquals("http://u:***@host:5000", Redaction.redact("http://u:s3cr3t-PW-123@host:5000"));
        assertEquals("https://me:***@mlflow.example/api?x=1#y",
                Redaction.redact("https://me:s3cr3t@mlflow.example/api?x=1#y"));
        // Percent-encoded or not, a raw '@' in the password included: everything up to the host's '@'.
        assertEquals("http://u:***@h", Redaction.redact("http://u:p%40ss@h"));
        assertEquals("http://u:***@h/x", Redaction.redact("http://u:p@ss@h/x"));
    }

    @Test
    void aUserPartWithoutPasswordIsKeptAsAzureStorageNamesContainersSo() {
        assertEquals("abfss://container@account.dfs.core.windows.net/delta",
                Redaction.redact("abfss://container@account.dfs.core.windows.net/delta"));
        assertEquals("wasbs://c@acct.blob.core.windows.net:443/x", Redaction.redact("wasbs://c@acct.blob.core.windows.net:443/x"));
    }

    @Test
    void everyUrlInAMessageIsMaskedAndTheRestKept() {
        assertEquals("param 'output.mlflow.tracking_uri' was already logged with value='http://u:***@h:5000'. "
                        + "Attempted logging new value 'http://u:***@h:5000' (hdfs://svc:***@nn/ck.pt)",
                Redaction.redact("param 'output.mlflow.tracking_uri' was already logged with value='http://u:old@h:5000'. "
                        + "Attempted logging new value 'http://u:***@h:5000' (hdfs://svc:pw@nn/ck.pt)"));
    }

    @Test
    void textWithoutCredentialsIsUntouched() {
        for (String s : new String[] {"http://host:5000/api", "mlflow-artifacts:/1/abc/artifacts", "me@example.com",
                "https://host/users/@me", "adam", "", "s3://bucket/key@v2"}) {
            assertEquals(s, Redaction.redact(s));
        }
        assertNull(Redaction.redact(null));
        assertEquals("http://u:***@h", Redaction.redact(Redaction.redact("http://u:pw@h")), "idempotent");
    }

    @Test
    void aMalformedUrlInAnErrorMessageIsNotShownWhenAnAtIsLeft() {
        assertEquals("http://u:***@h", Redaction.forMessage("http://u:pw@h"));
        assertEquals("ftp://h/x", Redaction.forMessage("ftp://h/x"));
        assertEquals("(not shown: it has an '@', so it may hold a password)", Redaction.forMessage("http://u:pw/x@h"));
    }

    @Test
    void inATrackingUriEvenALoneUserPartIsHidden() {
        assertEquals("--set output.mlflow.tracking_uri=https://***@h and http://u:***@h",
                Redaction.redactAnyUserPart("--set output.mlflow.tracking_uri=https://ghp_TOKEN@h and http://u:pw@h"));
    }
}
