package org.smarttuner.tts.text;

/** Text holds a character that is not a symbol, and the policy is {@code unknown_chars: fail}. */
public final class UnknownCharacterException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnknownCharacterException(String message) {
        super(message);
    }
}
