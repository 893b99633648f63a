package org.smarttuner.storage;

/** The study file cannot be used or written: wrong kind of file, damaged, locked for too long, bad request. */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
