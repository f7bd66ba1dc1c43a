package dev.addons.examples.docs;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles a README's Java block against the test class path. The comment before the block says
 * how it is wrapped:
 * <ul>
 *   <li>{@code <!-- java: file -->}, {@code <!-- java: test -->}: a whole source file, compiled as
 *       written (a test is also run);</li>
 *   <li>{@code <!-- java: class -->}: declarations, compiled after {@link #IMPORTS};</li>
 *   <li>{@code <!-- java: body(Addons addons) -->}: statements, the body of a method with those
 *       parameters, after the block's own imports and {@link #IMPORTS}.</li>
 * </ul>
 */
final class JavaSnippet {
    /** What {@code class} and {@code body} snippets may use without importing it. */
    static final List<String> IMPORTS = List.of("java.net.*", "java.nio.file.*", "java.sql.*", "java.util.*",
            "javax.sql.DataSource", "dev.addons.api.*", "dev.addons.core.*", "dev.addons.junit.*",
            "org.junit.jupiter.api.*", "static org.junit.jupiter.api.Assertions.*", "redis.clients.jedis.Jedis");
    private static final Pattern NOTE = Pattern.compile("java: (file|test|class|body\\((.*)\\))");
    private static final Pattern PUBLIC_TYPE =
            Pattern.compile("(?m)^public (?:final |abstract )*(?:class|interface|record|enum) (\\w+)");

    private JavaSnippet() {
    }

    /** The source file {@code snippet} stands for, wrapped as its note says. */
    static String source(Snippet snippet) {
        Matcher note = NOTE.matcher(snippet.note());
        if (!note.matches()) {
            throw new AssertionError(snippet.where() + ": a java block needs a comment before it saying how it"
                    + " compiles: <!-- java: file -->, <!-- java: test -->, <!-- java: class --> or"
                    + " <!-- java: body(Type name, ...) -->; found: '" + snippet.note() + "'");
        }
        String imports = IMPORTS.stream().map(i -> "import " + i + ";\n").collect(Collectors.joining());
        switch (note.group(1)) {
            case "file":
            case "test":
                return snippet.text();
            case "class":
                return imports + snippet.text();
            default:
                String own = snippet.text().lines().filter(l -> l.startsWith("import "))
                        .collect(Collectors.joining("\n"));
                String body = snippet.text().lines().filter(l -> !l.startsWith("import "))
                        .collect(Collectors.joining("\n"));
                return own + "\n" + imports + "class Snippet {\n    void run(" + note.group(2)
                        + ") throws Exception {\n" + body + "\n    }\n}\n";
        }
    }

    /** Compiles {@code snippet} into {@code classes}; fails with the compiler's messages. */
    static void compile(Snippet snippet, Path classes) throws IOException {
        String source = source(snippet);
        Matcher type = PUBLIC_TYPE.matcher(source);
        Path sources = Files.createDirectories(classes.resolveSibling(classes.getFileName() + "-src"));
        Path file = sources.resolve((type.find() ? type.group(1) : "Snippet") + ".java");
        Files.writeString(file, source);
        Files.createDirectories(classes);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter messages = new StringWriter();
        var files = compiler.getStandardFileManager(null, null, null);
        boolean ok = compiler.getTask(messages, files, null,
                List.of("-proc:none", "-parameters", "-d", classes.toString(), "-classpath", classPath()), null,
                files.getJavaFileObjects(file.toFile())).call();
        files.close();
        if (!ok) {
            throw new AssertionError(snippet.where() + ": the java block does not compile:\n" + messages
                    + "\nas compiled:\n" + source);
        }
    }

    /** Surefire's test class path (its own booter jar hides it from java.class.path). */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
