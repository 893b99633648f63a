package org.smarttuner.cli;

import java.io.PrintWriter;
import org.smarttuner.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code smart-tuner} command. Exit codes: 0 success, 2 usage or configuration error, 1
 * runtime failure.
 */
@Command(name = "smart-tuner",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Tunes Tacotron2 text-to-speech training on Apache Spark.",
        subcommands = {TuneCommand.class, TrainCommand.class, ConfigCommand.class, CorpusCommand.class,
            PrepareCommand.class, CreateStudyCommand.class, AskCommand.class, TellCommand.class, TrialsCommand.class,
            BestTrialCommand.class, DeleteStudyCommand.class, BenchCommand.class, ReportCommand.class,
            StatusCommand.class, SynthesizeCommand.class, ExportCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int RUNTIME_ERROR = 1;
    public static final int USAGE_ERROR = 2;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Show Spark's and our INFO/DEBUG logging on the console.")
    void verbose(boolean on) {
        if (on) {
            Logging.verbose();
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        ProcessExit.end(run(args), System::getenv, System::exit);
    }

    /** Runs the command line and returns the exit code (tests call this directly). */
    public static int run(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    /** The verbs that take {@code --storage} (Optuna's CLI also takes it before the verb). */
    static final java.util.Set<String> STORAGE_VERBS = java.util.Set.of("create-study", "ask", "tell", "trials",
            "best-trial", "delete-study");

    /**
     * Optuna's CLI takes {@code --storage URL} before the verb as well as after it
     * ({@code optuna --storage sqlite:///x.db ask ...}): such a leading option is moved after the verb.
     */
    static String[] storageAfterVerb(String[] args) {
        java.util.List<String> leading = new java.util.ArrayList<>();
        java.util.List<String> moved = new java.util.ArrayList<>();
        int i = 0;
        while (i < args.length && args[i].startsWith("-")) {
            if (args[i].equals("--storage") && i + 1 < args.length) {
                moved.add(args[i]);
                moved.add(args[i + 1]);
                i += 2;
            } else if (args[i].startsWith("--storage=")) {
                moved.add(args[i]);
                i++;
            } else {
                leading.add(args[i]);
                i++;
            }
        }
        if (moved.isEmpty() || i >= args.length || !STORAGE_VERBS.contains(args[i])) {
            return args;
        }
        java.util.List<String> out = new java.util.ArrayList<>(leading);
        out.add(args[i]);
        out.addAll(moved);
        out.addAll(java.util.Arrays.asList(args).subList(i + 1, args.length));
        return out.toArray(String[]::new);
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main()) {
            @Override
            public int execute(String... args) {
                return super.execute(storageAfterVerb(args));
            }
        };
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExitCodeExceptionMapper(e -> e instanceof ConfigException || e instanceof UsageException
                || e instanceof CommandLine.ParameterException ? USAGE_ERROR : RUNTIME_ERROR);
        cl.setExecutionExceptionHandler((e, line, parseResult) -> {
            PrintWriter w = line.getErr();
            if (e instanceof ConfigException || e instanceof UsageException) {
                w.println(e.getMessage());
            } else {
                w.println("smart-tuner " + line.getCommandName() + " failed: " + describe(e));
                if (Logging.isVerbose()) {
                    e.printStackTrace(w);
                } else {
                    w.println("(run again with --verbose for the stack trace)");
                }
            }
            w.flush();
            return line.getExitCodeExceptionMapper().getExitCode(e);
        });
        return cl;
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage() == null ? e.getClass().getName()
                : e.getMessage()));
        Throwable c = e.getCause();
        int depth = 0;
        while (c != null && c != e && depth++ < 4) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append("\n  caused by: ").append(c.getMessage());
            }
            c = c.getCause();
        }
        return sb.toString();
    }
}
