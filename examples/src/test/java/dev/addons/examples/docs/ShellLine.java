package dev.addons.examples.docs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line of a shell snippet into simple commands, each a list of words: quotes removed,
 * a comment ({@code #} at the start of a word) dropped, and the commands split at {@code &&},
 * {@code ||}, {@code ;}, {@code |} and {@code &}. Enough for the README's one-liners; no
 * expansion, no redirection, no nesting. Stateless.
 */
final class ShellLine {
    private ShellLine() {
    }

    static List<List<String>> commands(String line) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (c == '#' && word == null) {
                break;
            } else if (Character.isWhitespace(c) || c == ';' || c == '|' || c == '&') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                if (!Character.isWhitespace(c) && !words.isEmpty()) {
                    commands.add(words);
                    words = new ArrayList<>();
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed quote in: " + line);
        }
        if (word != null) {
            words.add(word.toString());
        }
        if (!words.isEmpty()) {
            commands.add(words);
        }
        return commands;
    }
}
