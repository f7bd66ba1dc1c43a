package dev.addons.api;

/** An addon name, alias or addon record that does not exist. The message lists what does. */
public class AddonNotFoundException extends AddonException {
    private static final long serialVersionUID = 1L;

    public AddonNotFoundException(String message) {
        super(message);
    }
}
