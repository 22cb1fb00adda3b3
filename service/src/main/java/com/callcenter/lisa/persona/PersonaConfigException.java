package com.callcenter.lisa.persona;

/**
 * A persona folder that cannot be used: the service does not start. The message names the file and the
 * line, so the operator can fix it without reading a stack trace.
 */
public class PersonaConfigException extends RuntimeException {

    private final String file;
    private final int line;
    private final String problem;

    /**
     * @param file    the file as the operator knows it (a path, or the classpath location of the built-in persona)
     * @param line    1-based line in that file, or 0 when the problem concerns the whole file
     * @param problem what is wrong, in words
     */
    public PersonaConfigException(String file, int line, String problem) {
        super(file + (line > 0 ? ", line " + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
