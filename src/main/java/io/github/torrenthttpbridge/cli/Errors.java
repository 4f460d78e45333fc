package io.github.torrenthttpbridge.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns exceptions into the one line the CLI prints. */
final class Errors {
    private Errors() {
    }

    static String describe(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof NoSuchFileException || e instanceof FileNotFoundException) {
            return "no such file: " + e.getMessage();
        }
        if (e instanceof IOException && e.getMessage() != null) {
            return e.getMessage();
        }
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.toString() : msg;
    }
}
