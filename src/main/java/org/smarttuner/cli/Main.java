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

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
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
