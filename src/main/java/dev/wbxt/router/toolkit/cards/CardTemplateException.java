package dev.wbxt.router.toolkit.cards;

/** A card could not be made: the template is missing or broken, or the data does not fit it. */
public class CardTemplateException extends Exception {
    public CardTemplateException(String message) {
        super(message);
    }
}
