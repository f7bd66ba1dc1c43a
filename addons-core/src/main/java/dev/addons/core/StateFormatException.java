package dev.addons.core;

import dev.addons.api.AddonException;
import java.nio.file.Path;

/**
 * A state file of the addons home is in a format newer than this version of addons reads: the
 * home was written by a newer addons. Nothing is read from the file or written over it, so nothing
 * the newer version recorded is lost.
 */
public class StateFormatException extends AddonException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int format;
    private final int newestReadable;

    public StateFormatException(Path file, int format, int newestReadable) {
        super("State file " + file + " is in format " + format + "; this version of addons reads state formats up to "
                + newestReadable + ". This home was written by a newer addons: use that version or newer with it.");
        this.file = file;
        this.format = format;
        this.newestReadable = newestReadable;
    }

    /** The file refused. */
    public Path file() {
        return file;
    }

    /** The format it is in. */
    public int format() {
        return format;
    }

    /** The newest format this version reads. */
    public int newestReadable() {
        return newestReadable;
    }
}
