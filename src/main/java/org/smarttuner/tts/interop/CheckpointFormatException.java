package org.smarttuner.tts.interop;

import java.io.IOException;

/**
 * A file that is not a checkpoint this tool can read, or one whose contents are not what they
 * should be (a foreign object in its pickle, a storage cut short, a key or shape that does not fit
 * the model). The message names the file and what was wrong; nothing in such a file is executed.
 */
public class CheckpointFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
