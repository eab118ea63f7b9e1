package org.ntk4j.predict;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.ntk4j.Ntk4j;
import org.ntk4j.arch.Architecture;
import org.ntk4j.arch.Parameterization;
import org.ntk4j.arch.text.ArchParser;
import org.ntk4j.error.InvalidInputException;
import org.ntk4j.error.ModelFileException;
import org.ntk4j.error.OutputWriteException;
import org.ntk4j.io.FileChecksum;
import org.ntk4j.io.Npy;
import org.ntk4j.io.Outputs;
import org.ntk4j.io.ReadOptions;
import org.ntk4j.kernel.KernelOptions;
import org.ntk4j.linalg.Cholesky;
import org.ntk4j.linalg.DType;
import org.ntk4j.linalg.JitterReport;
import org.ntk4j.linalg.Matrix;
import org.ntk4j.linalg.NativeMatrix;
import org.ntk4j.operator.DenseKernelOperator;

/**
 * The on-disk form of a {@link FittedPosterior} (docs/saved-models.md): a directory with
 * {@value #MANIFEST} and one {@code .npy} file per array, each listed in the manifest with its
 * shape, byte length and SHA-256. Reading checks, in this order, the manifest's syntax, its format
 * and version, its fields, each file's length and checksum, and the shapes against each other:
 * whatever fails is a {@link ModelFileException}, so a damaged model never predicts.
 */
final class SavedModel {
    /** The manifest's name. */
    static final String MANIFEST = "model.json";
    /** The value of the manifest's {@code format} field. */
    static final String FORMAT = "ntk4j saved model";
    /** The format version this ntk4j writes and reads; a reader of a later version refuses the others it cannot read. */
    static final int FORMAT_VERSION = 1;
    /** A manifest larger than this is not one this ntk4j wrote (a few KB). */
    private static final long MANIFEST_LIMIT = 1 << 20;
    /** Nesting depth of the manifest's JSON that a reader accepts (it uses 3). */
    private static final int MAX_DEPTH = 8;

    /** The arrays of a model: their roles, file names and whether the posterior needs them. */
    enum Array {
        INPUTS("inputs.npy"),
        TARGETS("targets.npy"),
        FACTOR("factor.npy"),
        WEIGHTS("weights.npy"),
        NNGP("nngp.npy");

        final String file;

        Array(String file) {
            this.file = file;
        }

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether a model of {@code get} holds this array: the NNGP K_dd only for the NTK ensemble's covariance. */
        boolean heldFor(Get get) {
            return this != NNGP || get == Get.NTK;
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong SEQ = new AtomicLong(System.nanoTime());

    private SavedModel() {}

    // ---------------------------------------------------------------- writing

    /** Writes {@code model} to {@code dir} through a temporary directory renamed into place. */
    static void write(FittedPosterior model, Path dir) {
        String archText = archText(model.architecture());
        Path target = checkTarget(dir);
        Path tmp = sibling(target, "tmp");
        try {
            Files.createDirectory(tmp);
            Map<Array, Outputs.Written> files = writeArrays(model, tmp);
            byte[] manifest = manifest(model, archText, files);
            Outputs.writeAtomically(tmp.resolve(MANIFEST), ch -> ch.write(ByteBuffer.wrap(manifest)));
            moveIntoPlace(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new OutputWriteException(target, Outputs.reason(e), e);
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
    }

    /** The architecture's ARCH text, which must parse back to it (a user-defined activation may not). */
    private static String archText(Architecture arch) {
        String text = arch.describe();
        Architecture back;
        try {
            back = ArchParser.parse(text, arch.parameterization());
        } catch (InvalidInputException e) {
            back = null;
        }
        if (!arch.equals(back))
            throw new InvalidInputException(
                    "arch",
                    "'" + text + "' does not parse back to this architecture (a user-defined activation?), "
                            + "so a saved model could not restore it; use built-in layers to save a model");
        return text;
    }

    /** {@code dir} may be new, an empty directory or a saved model (replaced); anything else is refused. */
    static Path checkTarget(Path dir) {
        if (dir == null || dir.toString().isEmpty())
            throw new InvalidInputException("modelDir", "no directory given (the value is empty)");
        Path target = dir.toAbsolutePath().normalize();
        if (target.getParent() == null)
            throw new InvalidInputException("modelDir", dir + " is a root directory; name a directory inside one");
        if (Files.exists(target)) {
            if (!Files.isDirectory(target))
                throw new InvalidInputException("modelDir", dir + " exists and is not a directory");
            if (!Files.exists(target.resolve(MANIFEST)) && !isEmpty(target))
                throw new InvalidInputException(
                        "modelDir",
                        dir + " exists and holds other files (no " + MANIFEST
                                + "): name a new or empty directory, or a saved model to replace");
        } else {
            try {
                Files.createDirectories(target.getParent());
            } catch (IOException e) {
                throw new OutputWriteException(target.getParent(), "cannot create it: " + Outputs.reason(e), e);
            }
        }
        return target;
    }

    private static boolean isEmpty(Path dir) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        } catch (IOException e) {
            throw new OutputWriteException(dir, "cannot list it: " + Outputs.reason(e), e);
        }
    }

    /** A hidden name beside {@code target} for a directory being written or replaced: {@code .NAME.PID.SEQ.what}. */
    private static Path sibling(Path target, String what) {
        return target.resolveSibling("." + target.getFileName() + "." + PID + "." + SEQ.incrementAndGet() + "." + what);
    }

    private static Map<Array, Outputs.Written> writeArrays(FittedPosterior model, Path tmp) {
        GpInference.Fitted s = model.state();
        Map<Array, Outputs.Written> files = new LinkedHashMap<>();
        for (Array a : Array.values()) {
            if (!a.heldFor(model.get())) continue;
            Path f = tmp.resolve(a.file);
            switch (a) {
                case INPUTS -> Npy.write(f, model.xTrain()); // in its own precision: the kernels saw it so
                case TARGETS -> Npy.write(f, model.yTrain(), DType.FLOAT64);
                case FACTOR -> Npy.writeColumnMajor(f, s.factor().cholesky.factorStorage());
                case WEIGHTS -> Npy.writeColumnMajor(f, s.alpha());
                case NNGP -> Npy.writeColumnMajor(f, s.nngpTrain());
            }
            files.put(a, Outputs.digest(f));
        }
        return files;
    }

    private static byte[] manifest(FittedPosterior model, String archText, Map<Array, Outputs.Written> files)
            throws IOException {
        GpInference.Fitted s = model.state();
        JitterReport j = s.factor().cholesky.jitter();
        int n = model.trainSize(), d = model.inputDimension(), k = model.outputs();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("format_version", FORMAT_VERSION);
            g.writeStringField("ntk4j_version", Ntk4j.VERSION);
            g.writeStringField("posterior", "t = inf");
            g.writeStringField("get", model.get().toString());
            g.writeStringField("arch", archText);
            g.writeStringField(
                    "parameterization",
                    model.architecture().parameterization().name().toLowerCase(Locale.ROOT));
            g.writeObjectFieldStart("kernel");
            g.writeStringField("dtype", model.dtype().name().toLowerCase(Locale.ROOT));
            g.writeEndObject();
            g.writeObjectFieldStart("regularization");
            g.writeNumberField("value", model.regularization().diagReg());
            g.writeBooleanField("absolute", model.regularization().absolute());
            g.writeEndObject();
            g.writeNumberField("lambda", s.factor().lambda);
            g.writeObjectFieldStart("jitter");
            g.writeNumberField("added", j.added());
            g.writeNumberField("relative", j.relative());
            g.writeNumberField("attempts", j.attempts());
            g.writeStringField("reason", j.reason());
            g.writeEndObject();
            g.writeNumberField("rcond", s.factor().cholesky.rcond());
            g.writeNumberField("weights_exponent", s.yExponent());
            g.writeNumberField("n", n);
            g.writeNumberField("d", d);
            g.writeNumberField("k", k);
            g.writeObjectFieldStart("files");
            for (Map.Entry<Array, Outputs.Written> e : files.entrySet()) {
                long[] shape = shape(e.getKey(), n, d, k);
                g.writeObjectFieldStart(e.getKey().key());
                g.writeStringField("name", e.getKey().file);
                g.writeArrayFieldStart("shape");
                g.writeNumber(shape[0]);
                g.writeNumber(shape[1]);
                g.writeEndArray();
                g.writeNumberField("bytes", e.getValue().size());
                g.writeStringField("sha256", e.getValue().sha256());
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    /** The shape each array must have in a model of n points, d inputs and k outputs. */
    private static long[] shape(Array a, int n, int d, int k) {
        return switch (a) {
            case INPUTS -> new long[] {n, d};
            case TARGETS, WEIGHTS -> new long[] {n, k};
            case FACTOR, NNGP -> new long[] {n, n};
        };
    }

    /**
     * Renames the complete temporary directory to {@code target}; an existing model there is first
     * renamed aside and deleted after, so a reader sees the old model, no directory for an instant,
     * or the new model, never a mixture.
     */
    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = sibling(target, "old");
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // put the old model back
            throw e;
        }
        if (old != null) deleteTree(old);
    }

    /** Best-effort recursive delete of a directory this class created. */
    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the save already failed or succeeded, and that is what gets reported
        }
    }

    // ---------------------------------------------------------------- reading

    /** Reads and checks the model in {@code dir} (see the class comment for the order of the checks). */
    static FittedPosterior read(Path dir) {
        if (dir == null) throw new InvalidInputException(ModelFileException.ARGUMENT, "is required");
        Manifest m = manifest(dir);
        Map<Array, Object> arrays = new LinkedHashMap<>();
        try {
            for (Array a : Array.values()) if (a.heldFor(m.get)) arrays.put(a, readArray(dir, m, a));
            return assemble(dir, m, arrays);
        } catch (RuntimeException e) {
            for (Object o : arrays.values()) if (o instanceof NativeMatrix nm) nm.close();
            throw e;
        }
    }

    /** What {@value #MANIFEST} says, checked field by field. */
    private record Manifest(
            Get get,
            Architecture arch,
            DType dtype,
            Regularization regularization,
            double lambda,
            JitterReport jitter,
            double rcond,
            int weightsExponent,
            int n,
            int d,
            int k,
            Map<Array, FileEntry> files) {}

    /** One array file as the manifest lists it. */
    private record FileEntry(String name, long[] shape, long bytes, String sha256) {}

    private static Manifest manifest(Path dir) {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) throw new ModelFileException(dir, "no such directory: not a saved model");
        byte[] bytes;
        try {
            if (Files.size(file) > MANIFEST_LIMIT)
                throw new ModelFileException(
                        dir, MANIFEST + " is larger than " + MANIFEST_LIMIT + " bytes: not a model manifest");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(dir, "has no " + MANIFEST + ": not a saved model (or an incomplete one)", e);
        } catch (IOException e) {
            throw new ModelFileException(dir, "cannot read " + MANIFEST + ": " + Outputs.reason(e), e);
        }
        Fields f = new Fields(dir, "", parse(dir, bytes));
        String format = f.string("format");
        if (!format.equals(FORMAT))
            throw new ModelFileException(dir, MANIFEST + ": format is '" + format + "', not '" + FORMAT + "'");
        long version = f.integer("format_version");
        if (version != FORMAT_VERSION)
            throw new ModelFileException(
                    dir,
                    MANIFEST + ": format_version " + version + " (written by ntk4j " + f.optionalString("ntk4j_version")
                            + ") is not one ntk4j " + Ntk4j.VERSION + " reads (" + FORMAT_VERSION
                            + "): use the ntk4j version that wrote it, or fit and save the model again");
        if (!f.string("posterior").equals("t = inf"))
            throw new ModelFileException(
                    dir, MANIFEST + ": posterior '" + f.string("posterior") + "' is not 't = inf'");
        Get get = f.parsed("get", Get::parse);
        Parameterization par = f.parsed("parameterization", Parameterization::parse);
        Architecture arch;
        try {
            arch = ArchParser.parse(f.string("arch"), par);
        } catch (InvalidInputException e) {
            throw new ModelFileException(dir, MANIFEST + ": arch does not parse: " + e.getMessage(), e);
        }
        DType dtype = f.object("kernel").parsed("dtype", DType::parse);
        Fields r = f.object("regularization");
        Regularization reg;
        try {
            reg = new Regularization(r.number("value"), r.bool("absolute"));
        } catch (InvalidInputException e) {
            throw new ModelFileException(dir, MANIFEST + ": regularization: " + e.getMessage(), e);
        }
        Fields jf = f.object("jitter");
        JitterReport jitter;
        try {
            jitter = new JitterReport(
                    jf.number("added"), jf.number("relative"), (int) jf.integer("attempts"), jf.string("reason"));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(dir, MANIFEST + ": jitter: " + e.getMessage(), e);
        }
        double lambda = f.number("lambda"), rcond = f.number("rcond");
        if (!(lambda >= 0) || !(rcond >= 0))
            throw new ModelFileException(dir, MANIFEST + ": lambda and rcond must be >= 0");
        int n = f.count("n"), d = f.count("d"), k = f.count("k");
        int e = (int) f.integer("weights_exponent");
        Fields files = f.object("files");
        Map<Array, FileEntry> entries = new LinkedHashMap<>();
        for (Array a : Array.values()) {
            if (!a.heldFor(get)) continue;
            Fields ef = files.object(a.key());
            String name = ef.string("name");
            if (!name.equals(a.file))
                throw new ModelFileException(
                        dir, MANIFEST + ": files." + a.key() + ".name is '" + name + "', not '" + a.file + "'");
            List<Object> shape = ef.list("shape");
            long[] declared = new long[shape.size()];
            for (int i = 0; i < declared.length; i++) declared[i] = shape.get(i) instanceof Long v ? v : -1;
            long[] expected = shape(a, n, d, k);
            if (!java.util.Arrays.equals(declared, expected))
                throw new ModelFileException(
                        dir,
                        MANIFEST + ": files." + a.key() + ".shape " + shape + " disagrees with n = " + n + ", d = " + d
                                + ", k = " + k + " (expected " + java.util.Arrays.toString(expected) + ")");
            String sha = ef.string("sha256");
            if (!sha.matches("[0-9a-f]{64}"))
                throw new ModelFileException(
                        dir, MANIFEST + ": files." + a.key() + ".sha256 is not 64 lower-case hex digits");
            entries.put(a, new FileEntry(name, expected, ef.integer("bytes"), sha));
        }
        return new Manifest(get, arch, dtype, reg, lambda, jitter, rcond, e, n, d, k, entries);
    }

    /** The manifest's JSON as maps, lists, strings, Long/Double numbers, Booleans (null for null). */
    private static Object parse(Path dir, byte[] bytes) {
        try (JsonParser p = JSON.createParser(bytes)) {
            JsonToken t = p.nextToken();
            if (t == null) throw new ModelFileException(dir, MANIFEST + " is empty: not a saved model");
            Object v = value(dir, p, t, 0);
            if (p.nextToken() != null)
                throw new ModelFileException(dir, MANIFEST + ": unexpected content after the JSON object");
            return v;
        } catch (JsonProcessingException e) {
            throw new ModelFileException(
                    dir,
                    MANIFEST + " is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new ModelFileException(dir, "cannot read " + MANIFEST + ": " + Outputs.reason(e), e);
        }
    }

    private static Object value(Path dir, JsonParser p, JsonToken t, int depth) throws IOException {
        if (depth > MAX_DEPTH)
            throw new ModelFileException(dir, MANIFEST + " is nested too deeply: not a model manifest");
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, value(dir, p, p.nextToken(), depth + 1));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_ARRAY; k = p.nextToken())
                    l.add(value(dir, p, k, depth + 1));
                yield l;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT ->
                p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? (Object) p.getDecimalValue().doubleValue()
                        : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("unexpected JSON token " + t);
        };
    }

    /** Typed access to a JSON object's fields; a missing field or a wrong type is a {@link ModelFileException}. */
    private record Fields(Path dir, String path, Object json) {
        Fields {
            if (!(json instanceof Map))
                throw new ModelFileException(
                        dir, MANIFEST + ": " + (path.isEmpty() ? "the content" : path) + " is not a JSON object");
        }

        private Object get(String key) {
            Map<?, ?> m = (Map<?, ?>) json;
            if (!m.containsKey(key))
                throw new ModelFileException(dir, MANIFEST + ": field " + where(key) + " is missing");
            return m.get(key);
        }

        private String where(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        private ModelFileException wrong(String key, String expected) {
            return new ModelFileException(dir, MANIFEST + ": field " + where(key) + " must be " + expected);
        }

        String string(String key) {
            return get(key) instanceof String s ? s : failString(key);
        }

        private String failString(String key) {
            throw wrong(key, "a string");
        }

        String optionalString(String key) {
            return ((Map<?, ?>) json).get(key) instanceof String s ? s : "an unknown version";
        }

        long integer(String key) {
            if (get(key) instanceof Long v) return v;
            throw wrong(key, "an integer");
        }

        /** A positive count that fits an int (n, d, k). */
        int count(String key) {
            long v = integer(key);
            if (v < 1 || v > Integer.MAX_VALUE) throw wrong(key, "a positive integer");
            return (int) v;
        }

        double number(String key) {
            Object v = get(key);
            if (v instanceof Long l) return l;
            if (v instanceof Double x) return x;
            throw wrong(key, "a number");
        }

        boolean bool(String key) {
            if (get(key) instanceof Boolean b) return b;
            throw wrong(key, "true or false");
        }

        Fields object(String key) {
            return new Fields(dir, where(key), get(key));
        }

        List<Object> list(String key) {
            if (get(key) instanceof List<?> l) return new ArrayList<>(l);
            throw wrong(key, "a list");
        }

        <T> T parsed(String key, java.util.function.Function<String, T> parser) {
            String s = string(key);
            try {
                return parser.apply(s);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(dir, MANIFEST + ": field " + where(key) + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * One array, after its length and checksum were checked: a heap matrix (inputs, targets) or an
     * off-heap one (factor, weights, NNGP), of the shape the manifest declares.
     */
    private static Object readArray(Path dir, Manifest m, Array a) {
        FileEntry e = m.files.get(a);
        Path f = dir.resolve(e.name);
        FileChecksum sum;
        try {
            sum = FileChecksum.of(f);
        } catch (NoSuchFileException x) {
            throw new ModelFileException(dir, e.name + " is missing: the model is incomplete; save it again", x);
        } catch (IOException x) {
            throw new ModelFileException(dir, "cannot read " + e.name + ": " + Outputs.reason(x), x);
        }
        if (sum.size() != e.bytes)
            throw new ModelFileException(
                    dir,
                    e.name + " has " + sum.size() + " bytes, " + MANIFEST + " records " + e.bytes
                            + " (truncated or replaced): the model is corrupt; save it again");
        if (!sum.sha256().equals(e.sha256))
            throw new ModelFileException(
                    dir,
                    e.name + " fails its SHA-256 checksum (" + MANIFEST + " records " + e.sha256.substring(0, 12)
                            + "..., the file has " + sum.sha256().substring(0, 12)
                            + "...): the model is corrupt; save it again");
        ReadOptions opts = ReadOptions.forArgument(ModelFileException.ARGUMENT).withKeepFloat32(true);
        try {
            Object v = switch (a) {
                case INPUTS, TARGETS -> Npy.read(f, opts);
                case FACTOR, WEIGHTS, NNGP -> Npy.readNative(f, opts);
            };
            int rows = v instanceof Matrix hm ? hm.rows() : ((NativeMatrix) v).rows();
            int cols = v instanceof Matrix hm ? hm.cols() : ((NativeMatrix) v).cols();
            if (rows != e.shape[0] || cols != e.shape[1]) {
                if (v instanceof NativeMatrix nm) nm.close();
                throw new ModelFileException(
                        dir,
                        e.name + " is " + rows + "x" + cols + " but " + MANIFEST + " declares " + e.shape[0] + "x"
                                + e.shape[1]);
            }
            return v;
        } catch (ModelFileException x) {
            throw x;
        } catch (InvalidInputException x) {
            throw new ModelFileException(dir, e.name + ": " + x.getMessage(), x);
        }
    }

    /** The fitted posterior from the checked arrays (which it takes over). */
    private static FittedPosterior assemble(Path dir, Manifest m, Map<Array, Object> arrays) {
        Matrix x = (Matrix) arrays.get(Array.INPUTS);
        Matrix y = (Matrix) arrays.get(Array.TARGETS);
        if (y.maxAbsExponent() != m.weightsExponent)
            throw new ModelFileException(
                    dir,
                    MANIFEST + ": weights_exponent " + m.weightsExponent + " disagrees with the targets' "
                            + y.maxAbsExponent());
        NativeMatrix factor = (NativeMatrix) arrays.remove(Array.FACTOR);
        NativeMatrix weights = (NativeMatrix) arrays.remove(Array.WEIGHTS);
        NativeMatrix nngp = (NativeMatrix) arrays.remove(Array.NNGP);
        Cholesky chol;
        try {
            chol = Cholesky.ofFactor(factor, m.jitter, m.rcond);
        } catch (IllegalArgumentException e) {
            weights.close();
            if (nngp != null) nngp.close();
            throw new ModelFileException(dir, Array.FACTOR.file + ": " + e.getMessage(), e);
        }
        KernelOptions options = KernelOptions.defaults().withDtype(m.dtype);
        DenseKernelOperator op = DenseKernelOperator.restore(m.arch, x, options, nngp);
        RegularizedCholesky rc = RegularizedCholesky.restored(chol, m.lambda);
        GpInference gp = GpInference.restore(op, y, m.regularization, m.get.meanKernel(), rc, weights);
        return new FittedPosterior(m.arch, m.get, m.regularization, m.dtype, x, y, gp, Timings.ZERO);
    }
}
