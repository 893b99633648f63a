package org.smarttuner.tts.train;

import java.io.IOException;
import java.util.Optional;

/**
 * A checkpoint file that exists but cannot be trusted: it does not match the checksum in its
 * header, it is shorter or longer than the header says, or it does not start like a checkpoint
 * at all. Retrying the read cannot help (unlike a network or disk error); the trial must resume
 * from an earlier checkpoint or start over.
 *
 * <p>An {@link IOException} so that every caller that already handles "cannot read the
 * checkpoint" keeps doing so; callers that can do better (the executor ending a segment) look for
 * it with {@link #in(Throwable)}.
 */
public final class DamagedCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    private static final String ADVICE = "It cannot be resumed from: resume the trial from an earlier checkpoint or "
            + "start it again, and if this repeats, check the storage it is kept on (a full or failing disk, an "
            + "interrupted copy)";

    private final String file;
    private final String detail;

    /**
     * @param file   the checkpoint as the user knows it (a local path or a shared-storage URI)
     * @param detail what is wrong, with the numbers (checksums, sizes) that show it
     */
    public DamagedCheckpointException(String file, String detail, Throwable cause) {
        super("checkpoint " + file + " is damaged: " + detail + ". " + ADVICE, cause);
        this.file = file;
        this.detail = detail;
    }

    public DamagedCheckpointException(String file, String detail) {
        this(file, detail, null);
    }

    /** The damaged file, as named in the message. */
    public String file() {
        return file;
    }

    /** The same damage reported for {@code source}, the file this local copy was made from. */
    public DamagedCheckpointException copiedFrom(String source) {
        if (source.equals(file)) {
            return this;
        }
        return new DamagedCheckpointException(source, detail + " (found in its local copy " + file + ")", this);
    }

    /** The damaged checkpoint behind {@code error}, if it or one of its causes is one. */
    public static Optional<DamagedCheckpointException> in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof DamagedCheckpointException d) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
