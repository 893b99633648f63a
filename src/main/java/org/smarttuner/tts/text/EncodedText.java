package org.smarttuner.tts.text;

/** Symbol ids of one text and how many characters were dropped as unknown. */
public record EncodedText(int[] ids, int droppedCharacters) {
}
