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
import java.util.ArrayList;
import java.util.List;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.io.Npy;
import org.ntk4j.io.Outputs;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.linalg.Matrix;

/**
 * A command's output directory ({@code --out DIR}): created on {@link #create}, before the work,
 * so that an unusable directory fails fast; files are written atomically (never half-written under
 * their final name) and existing files of the same name are replaced.
 */
public final class OutputDir {
    /** Jackson is built on first use only: initializing it costs ~0.5 s of start-up that kernel/predict never need. */
    private static final class Json {
        // why no WRITE_NAN_AS_STRINGS: Jackson's default writes NaN/±Infinity as JSON strings, which
        // readers take for text; writeJson refuses them instead (requireFinite)
        static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

        /**
         * Throws IllegalStateException (a bug: exit 70) at the first NaN or ±Infinity number in
         * {@code node}: producers write {@code null} for a legitimately unbounded quantity and check
         * every other value before they get here.
         */
        static void requireFinite(JsonNode node, String file, String path) {
            if (node.isNumber() && !Double.isFinite(node.doubleValue()))
                throw new IllegalStateException(file + ": " + (path.isEmpty() ? "the value" : path) + " is " + node.doubleValue()
                    + "; JSON has no NaN or Infinity (a non-finite result must be caught before it is written)");
            if (node.isArray()) for (int i = 0; i < node.size(); i++) requireFinite(node.get(i), file, path + "[" + i + "]");
            node.fields().forEachRemaining(e -> requireFinite(e.getValue(), file, path.isEmpty() ? e.getKey() : path + "." + e.getKey()));
        }
    }

    private final String flag;
    private final Path dir;
    private final List<Path> written = java.util.Collections.synchronizedList(new ArrayList<>()); // files may be written concurrently

    private OutputDir(String flag, Path dir) {
        this.flag = flag;
        this.dir = dir;
    }

    /** Creates {@code dir} (and its parents) if needed and checks that it is a writable directory. */
    public static OutputDir create(String flag, Path dir) {
        if (dir == null) throw new InvalidInputException(flag, "no directory given");
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new InvalidInputException(flag, dir + " exists and is not a directory");
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new InvalidInputException(flag, "cannot create directory " + dir + ": " + e.getFile() + " is a file", e);
        } catch (IOException | SecurityException e) {
            throw new InvalidInputException(flag, "cannot create directory " + dir + ": "
                + (e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage()), e);
        }
        if (!Files.isWritable(dir)) throw new InvalidInputException(flag, "directory " + dir + " is not writable");
        return new OutputDir(flag, dir);
    }

    /** The directory. */
    public Path dir() { return dir; }

    /** The path of a file in the directory. */
    public Path resolve(String name) { return dir.resolve(name); }

    /** Writes a 2-D .npy file in {@code dtype}. */
    public Path writeMatrix(String name, Matrix m, DType dtype) {
        Path f = resolve(name);
        Npy.write(f, m, dtype);
        return done(f);
    }

    /** Writes a native matrix as a 2-D .npy file in {@code dtype} (see {@link Npy#write(Path, NativeMatrix, DType, boolean)}). */
    public Path writeMatrix(String name, NativeMatrix m, DType dtype, boolean exactlySymmetric) {
        Path f = resolve(name);
        Npy.write(f, m, dtype, exactlySymmetric);
        return done(f);
    }

    /** Writes a 1-D .npy file in {@code dtype}. */
    public Path writeVector(String name, double[] v, DType dtype) {
        Path f = resolve(name);
        Npy.writeVector(f, v, dtype);
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
    public Path writeText(String name, String text) { return writeBytes(name, text.getBytes(StandardCharsets.UTF_8)); }

    /** Writes raw bytes (e.g. a PNG). */
    public Path writeBytes(String name, byte[] bytes) {
        Path f = resolve(name);
        Outputs.writeAtomically(f, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
        return done(f);
    }

    /** The files written so far, in order. */
    public List<Path> written() {
        synchronized (written) { return List.copyOf(written); }
    }

    /** The flag this directory came from. */
    public String flag() { return flag; }

    private Path done(Path f) {
        written.add(f);
        return f;
    }
}
