package org.ntk4j.cli;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.error.OutputWriteException;
import org.ntk4j.io.ArrayFormat;
import org.ntk4j.io.Npy;
import org.ntk4j.io.Outputs;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;

/**
 * A command's output directory ({@code --out DIR}): created on {@link #create}, before the work,
 * so that an unusable directory fails fast; files are written atomically (never half-written under
 * their final name) and existing files of the same name are replaced. Arrays are written in the
 * directory's {@link ArrayFormat} ({@code --format npy|csv}) under their stem plus its extension.
 *
 * <p><b>The set is complete when {@value #RUN_RECORD} is there.</b> {@link #create} deletes
 * {@code DIR/run.json} before anything is written, and {@link #writeRunRecord} writes it after the
 * last file (the CLI does so when a command succeeds, see {@link Main}): a provenance record with the
 * ntk4j version, the command line, start and end time and each file's name, size and SHA-256. A
 * directory without it holds an interrupted, failed or running command's files, possibly beside
 * older ones: not a consistent set. {@link #create} also deletes the temporaries that dead
 * processes left there ({@link Outputs#removeStaleTemporaries}).
 */
final class OutputDir {
    /** Jackson is built on first use only: initializing it costs ~0.5 s of start-up that kernel/predict never need. */
    private static final class Json {
        // why no WRITE_NAN_AS_STRINGS: Jackson's default writes NaN/±Infinity as JSON strings, which
        // readers take for text; writeJson refuses them instead (requireFinite)
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
                .build();

        /**
         * Throws IllegalStateException (a bug: exit 70) at the first NaN or ±Infinity number in
         * {@code node}: producers write {@code null} for a legitimately unbounded quantity and check
         * every other value before they get here.
         */
        static void requireFinite(JsonNode node, String file, String path) {
            if (node.isNumber() && !Double.isFinite(node.doubleValue()))
                throw new IllegalStateException(
                        file + ": " + (path.isEmpty() ? "the value" : path) + " is " + node.doubleValue()
                                + "; JSON has no NaN or Infinity (a non-finite result must be caught before it is written)");
            if (node.isArray())
                for (int i = 0; i < node.size(); i++) requireFinite(node.get(i), file, path + "[" + i + "]");
            node.fields()
                    .forEachRemaining(e ->
                            requireFinite(e.getValue(), file, path.isEmpty() ? e.getKey() : path + "." + e.getKey()));
        }
    }

    /** The file whose presence says that the directory holds a complete, consistent set. */
    static final String RUN_RECORD = "run.json";

    private final Path dir;
    /** How arrays are written ({@code --format}); JSON, text and bytes are written as they are. */
    private final ArrayFormat format;
    // files may be written concurrently (kernel writes ntk.npy on a second thread): both guarded by `written`
    private final List<Path> written = new ArrayList<>();
    private final Map<String, Outputs.Written> records = new TreeMap<>();
    /** What the command says about how it computed (e.g. the solver and its device), for the run record. */
    private final Map<String, String> notes = new java.util.LinkedHashMap<>();

    private OutputDir(Path dir, ArrayFormat format) {
        this.dir = dir;
        this.format = format;
    }

    /**
     * Creates {@code dir} (and its parents) if needed, checks that it is a writable directory,
     * deletes its {@value #RUN_RECORD} (the set there is about to change) and the stale temporaries
     * of dead processes.
     *
     * <p>Exit codes: a path that can never be a directory (it, or a parent, is a regular file) is
     * invalid input ({@link InvalidInputException}, exit 3): the value given is wrong. A directory
     * that cannot be created or written (permission denied, read-only file system, disk full) is an
     * {@link OutputWriteException} (exit 7), as is every later write failure: the path is a fine
     * value and the remedy lies with the file system (free space, permissions, another place), as
     * for a disk that fills up midway.
     */
    public static OutputDir create(String flag, Path dir) {
        return create(flag, dir, ArrayFormat.NPY);
    }

    /** {@link #create(String, Path)} for a directory whose arrays are written in {@code format}. */
    public static OutputDir create(String flag, Path dir, ArrayFormat format) {
        if (dir == null || dir.toString().isEmpty()) // "" would silently mean the working directory
        throw new InvalidInputException(flag, "no directory given (the value is empty)");
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new InvalidInputException(flag, dir + " exists and is not a directory");
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (!Files.exists(p)) continue;
            if (!Files.isDirectory(p))
                throw new InvalidInputException(flag, "cannot create directory " + dir + ": " + p + " is a file");
            break;
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new InvalidInputException(
                    flag, "cannot create directory " + dir + ": " + e.getFile() + " is a file", e);
        } catch (IOException e) {
            throw new OutputWriteException(dir, "cannot create the directory: " + Outputs.reason(e), e);
        }
        if (!Files.isWritable(dir))
            throw new OutputWriteException(
                    dir, "the directory is not writable (permission denied or a read-only file system)", null);
        Path record = dir.resolve(RUN_RECORD);
        try {
            Files.deleteIfExists(record);
        } catch (IOException e) {
            throw new OutputWriteException(record, "cannot delete the previous run's record: " + Outputs.reason(e), e);
        }
        Outputs.removeStaleTemporaries(dir);
        return new OutputDir(dir, format);
    }

    /** The path of a file in the directory. */
    public Path resolve(String name) {
        return dir.resolve(name);
    }

    /** The file name of the array {@code stem} in this directory's format, e.g. {@code mean.npy} or {@code mean.csv}. */
    public String arrayName(String stem) {
        return format.fileName(stem);
    }

    /** Writes the 2-D array {@code stem} ({@link #arrayName}) in {@code dtype}. */
    public Path writeMatrix(String stem, Matrix m, DType dtype) {
        Path f = resolve(arrayName(stem));
        format.write(f, m, dtype);
        return done(f);
    }

    /** Writes a native matrix as the 2-D array {@code stem} in {@code dtype} (see {@link Npy#write(Path, NativeMatrix, DType, boolean)}). */
    public Path writeMatrix(String stem, NativeMatrix m, DType dtype, boolean exactlySymmetric) {
        Path f = resolve(arrayName(stem));
        format.write(f, m, dtype, exactlySymmetric);
        return done(f);
    }

    /** Writes the 1-D array {@code stem} in {@code dtype}. */
    public Path writeVector(String stem, double[] v, DType dtype) {
        Path f = resolve(arrayName(stem));
        format.writeVector(f, v, dtype);
        return done(f);
    }

    /** Writes a C-order .npy array of the given shape in {@code dtype} (see {@link Npy#writeArray}). */
    public Path writeArray(String name, double[] v, DType dtype, long... shape) {
        Path f = resolve(name);
        Npy.writeArray(f, v, dtype, shape);
        return done(f);
    }

    /**
     * Writes {@code value} as indented JSON (Jackson: records, maps, lists, numbers, strings). Numbers
     * are always JSON numbers: a NaN or ±Infinity anywhere in {@code value} is an
     * IllegalStateException before anything is written (null stands for "unbounded" or "none").
     */
    public Path writeJson(String name, Object value) {
        byte[] bytes;
        try {
            JsonNode tree = Json.MAPPER.valueToTree(value);
            Json.requireFinite(tree, name, "");
            bytes = Json.MAPPER.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + name + ": " + e.getMessage(), e);
        }
        return writeBytes(name, bytes);
    }

    /** Writes UTF-8 text. */
    public Path writeText(String name, String text) {
        return writeBytes(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes raw bytes (e.g. a PNG). */
    public Path writeBytes(String name, byte[] bytes) {
        Path f = resolve(name);
        put(f, bytes);
        return done(f);
    }

    private static void put(Path f, byte[] bytes) {
        Outputs.writeAtomically(f, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** The files written so far, in order. */
    public List<Path> written() {
        synchronized (written) {
            return List.copyOf(written);
        }
    }

    /**
     * Records how the result was computed (e.g. {@code solver}, {@code solve_device}), written into
     * {@value #RUN_RECORD} under {@code "how"} as strings: a reader sees where a run actually solved
     * (a GPU request may have been solved on the CPU) without parsing the log.
     */
    public void note(String key, String value) {
        synchronized (written) {
            notes.put(key, value);
        }
    }

    /**
     * Writes {@value #RUN_RECORD}, last: the version, {@code argv} as given, {@code start} and now
     * (ISO-8601 UTC), the {@link #note notes} if any, and every file written through this object
     * (name, size, SHA-256, by name).
     * JSON built by hand: Jackson's start-up (~0.5 s) is not worth it for a record kernel and
     * predict write on every run.
     */
    public Path writeRunRecord(String version, List<String> argv, Instant start) {
        StringBuilder j = new StringBuilder(256)
                .append("{\n  \"ntk4j_version\": ")
                .append(jsonString(version))
                .append(",\n  \"command\": [");
        for (int i = 0; i < argv.size(); i++) j.append(i == 0 ? "" : ", ").append(jsonString(argv.get(i)));
        j.append("],\n  \"start\": ")
                .append(jsonString(start.truncatedTo(ChronoUnit.MILLIS).toString()))
                .append(",\n  \"end\": ")
                .append(jsonString(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()));
        List<Outputs.Written> files;
        Map<String, String> how;
        synchronized (written) {
            files = List.copyOf(records.values());
            how = new java.util.LinkedHashMap<>(notes);
        }
        if (!how.isEmpty()) {
            j.append(",\n  \"how\": {");
            int i = 0;
            for (Map.Entry<String, String> e : how.entrySet())
                j.append(i++ == 0 ? "" : ", ")
                        .append(jsonString(e.getKey()))
                        .append(": ")
                        .append(jsonString(e.getValue()));
            j.append('}');
        }
        j.append(",\n  \"files\": [");
        for (int i = 0; i < files.size(); i++) {
            Outputs.Written w = files.get(i);
            j.append(i == 0 ? "\n" : ",\n")
                    .append("    {\"name\": ")
                    .append(jsonString(dir.relativize(w.file()).toString()))
                    .append(", \"size\": ")
                    .append(w.size())
                    .append(", \"sha256\": ")
                    .append(jsonString(w.sha256()))
                    .append('}');
        }
        j.append(files.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        Path f = resolve(RUN_RECORD);
        put(f, j.toString().getBytes(StandardCharsets.UTF_8)); // not writeBytes: the record does not list itself
        return f;
    }

    /** A JSON string literal; everything outside printable ASCII escaped, so any argv (even a lone surrogate) stays valid. */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c >= 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    /** Records a finished file: its name for the summary lines, its size and checksum for the run record. */
    private Path done(Path f) {
        Outputs.Written w = Outputs.digest(f);
        synchronized (written) {
            written.add(f);
            records.put(f.getFileName().toString(), w);
        }
        return f;
    }
}
