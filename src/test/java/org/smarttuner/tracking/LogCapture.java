package org.smarttuner.tracking;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log line at every level while open: log4j (where slf4j goes in tests) and
 * java.util.logging (where the JDK's own HTTP code logs). Lines read "LEVEL logger message".
 */
public final class LogCapture implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;
    private final Level rootBefore;
    private final Level ourBefore;
    private final java.util.logging.Handler julHandler;
    private final java.util.logging.Level julBefore;

    public LogCapture() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        rootBefore = ctx.getRootLogger().getLevel();
        ourBefore = ctx.getLogger("org.smarttuner").getLevel();
        appender = new AbstractAppender("capture-" + System.identityHashCode(this), null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringWriter out = new StringWriter();
                out.append(event.getLevel().name()).append(' ').append(event.getLoggerName()).append(' ')
                        .append(event.getMessage().getFormattedMessage());
                if (event.getThrown() != null) {
                    event.getThrown().printStackTrace(new PrintWriter(out));
                }
                lines.add(out.toString());
            }
        };
        appender.start();
        ctx.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
        Configurator.setRootLevel(Level.ALL);
        Configurator.setLevel("org.smarttuner", Level.ALL);
        ctx.updateLoggers();

        java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
        julBefore = julRoot.getLevel();
        julHandler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add("JUL " + r.getLoggerName() + " " + new java.util.logging.SimpleFormatter().formatMessage(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        julHandler.setLevel(java.util.logging.Level.ALL);
        julRoot.addHandler(julHandler);
        julRoot.setLevel(java.util.logging.Level.ALL);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
        julRoot.removeHandler(julHandler);
        julRoot.setLevel(julBefore);
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender(appender.getName());
        Configurator.setRootLevel(rootBefore);
        Configurator.setLevel("org.smarttuner", ourBefore);
        ctx.updateLoggers();
        appender.stop();
    }
}
