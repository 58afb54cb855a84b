package dev.wbxt.router.recording;

/** A recording that cannot be replayed: the message names the file, the line and what is wrong with it. */
public class RecordingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RecordingException(String message) {
        super(message);
    }
}
