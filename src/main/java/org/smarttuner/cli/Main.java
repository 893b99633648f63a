package org.smarttuner.cli;

import java.io.PrintWriter;
import org.smarttuner.config.ConfigException;
import org.smarttuner.tracking.Redaction;
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
            BestTrialCommand.class, BestTrialsCommand.class, StudyNamesCommand.class, StudiesCommand.class,
            StudyCommand.class, StorageCommand.class, DeleteStudyCommand.class, BenchCommand.class, ReportCommand.class,
            StatusCommand.class, SynthesizeCommand.class, ExportCommand.class, LibTorchArchiveCommand.class, EngineCommand.class,
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
        try {
            // Before anything loads DJL (here or in a notebook's driver, which calls run directly): libtorch
            // from an archive or the bundled CUDA natives, offline.
            org.smarttuner.tts.torch.NativeTorch.prepare();
        } catch (org.smarttuner.tts.torch.NativeTorch.LibTorchException e) {
            System.err.println("smart-tuner: " + e.getMessage());
            return USAGE_ERROR;
        }
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    /** The verbs of Optuna's CLI; "study" and "storage" count only with their second word. */
    static final java.util.Set<String> OPTUNA_VERBS = java.util.Set.of("create-study", "delete-study",
            "study set-user-attr", "study-names", "studies", "trials", "best-trial", "best-trials", "storage upgrade",
            "ask", "tell");

    /** Our own options, which stay before a verb (they are inherited, so they work after it too). */
    private static final java.util.Set<String> ROOT_OPTIONS = java.util.Set.of("-v", "--verbose", "-h", "--help",
            "-V", "--version");

    /**
     * Optuna's CLI finds its verb anywhere and takes the options before it as if they came after
     * ({@code optuna --storage sqlite:///x.db -f json trials ...}); so are they moved here, for
     * Optuna's verbs only. The scan stops at the first of our other verbs.
     */
    static String[] optionsAfterVerb(String[] args) {
        java.util.Set<String> ours = new java.util.HashSet<>();
        for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
            ours.add(c.getAnnotation(Command.class).name());
        }
        for (int i = 0; i < args.length; i++) {
            int words = i + 1 < args.length && OPTUNA_VERBS.contains(args[i] + " " + args[i + 1]) ? 2
                    : OPTUNA_VERBS.contains(args[i]) ? 1 : 0;
            if (words > 0) {
                java.util.List<String> out = new java.util.ArrayList<>();
                java.util.List<String> moved = new java.util.ArrayList<>();
                for (String a : java.util.Arrays.asList(args).subList(0, i)) {
                    (ROOT_OPTIONS.contains(a) ? out : moved).add(a);
                }
                out.addAll(java.util.Arrays.asList(args).subList(i, i + words));
                out.addAll(moved);
                out.addAll(java.util.Arrays.asList(args).subList(i + words, args.length));
                return out.toArray(String[]::new);
            }
            if (ours.contains(args[i])) {
                return args;
            }
        }
        return args;
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main()) {
            @Override
            public int execute(String... args) {
                return super.execute(optionsAfterVerb(args));
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
                w.println(line.getCommandSpec().qualifiedName() + " failed: " + describe(e));
                if (Logging.isVerbose()) {
                    java.io.StringWriter trace = new java.io.StringWriter();
                    e.printStackTrace(new PrintWriter(trace));
                    w.print(Redaction.redact(trace.toString()));
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
        // The last edge before the terminal: no URL's password, whatever a library put in its message.
        return Redaction.redact(sb.toString());
    }
}
