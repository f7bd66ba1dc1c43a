package dev.addons.examples.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fenced block of a Markdown file: its language tag, the HTML comment that annotates it (the
 * line before the fence, e.g. {@code <!-- java: body(Addons addons) -->}) and its text.
 *
 * @param file the Markdown file, as named in failure messages
 * @param line the line of the opening fence, 1-based
 * @param language the tag after the fence, empty when there is none
 * @param note what the annotating comment says, empty when there is none
 * @param text the lines between the fences
 */
record Snippet(String file, int line, String language, String note, String text) {
    private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*$");
    private static final Pattern NOTE = Pattern.compile("^<!--\\s*(.*?)\\s*-->$");

    /** Every fenced block of {@code markdown} (relative to {@code root}), in order. An unclosed fence is an error. */
    static List<Snippet> all(Path root, String markdown) throws IOException {
        List<String> lines = Files.readAllLines(root.resolve(markdown));
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            Matcher note = i > 0 ? NOTE.matcher(lines.get(i - 1).trim()) : NOTE.matcher("");
            int start = i;
            StringBuilder text = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).equals("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            if (i == lines.size()) {
                throw new IllegalStateException(markdown + ":" + (start + 1) + ": unclosed ``` fence");
            }
            snippets.add(new Snippet(markdown, start + 1, open.group(1), note.matches() ? note.group(1) : "",
                    text.toString()));
        }
        return snippets;
    }

    /** Where the block is, for failure messages: {@code README.md:42}. */
    String where() {
        return file + ":" + line;
    }

    @Override
    public String toString() {
        return where() + " (" + (language.isEmpty() ? "untagged" : language) + ")";
    }
}
