package org.ntk4j.error;

import java.nio.file.Path;

/**
 * A saved model ({@code org.ntk4j.predict.FittedPosterior}) cannot be used as it is: its directory
 * or {@code model.json} is missing, the JSON is malformed or incomplete, its format version is not
 * one this ntk4j reads, an array file is missing, truncated or fails its checksum, or the shapes it
 * declares disagree with each other or with the arrays. Nothing is predicted from such a model: a
 * corrupt model is this error, never a wrong answer. The argument is {@code model}; the CLI reports
 * it as invalid input (exit 3).
 */
public class ModelFileException extends InvalidInputException {
    private final transient Path directory;

    public ModelFileException(Path directory, String problem) {
        super(ARGUMENT, directory + ": " + problem);
        this.directory = directory;
    }

    public ModelFileException(Path directory, String problem, Throwable cause) {
        super(ARGUMENT, directory + ": " + problem, cause);
        this.directory = directory;
    }

    /** The name of the argument a saved model is given as. */
    public static final String ARGUMENT = "model";

    /** The model's directory. */
    public Path directory() {
        return directory;
    }
}
