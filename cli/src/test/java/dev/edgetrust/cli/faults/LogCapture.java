package dev.edgetrust.cli.faults;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/** Collects every log event (from any thread) while open; lines are "LEVEL logger: message". */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
  private final Logger root;

  private LogCapture() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    setName("fault-capture");
    start();
    root.addAppender(this);
  }

  static LogCapture attach() {
    return new LogCapture();
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.add(event);
  }

  List<String> lines(Level atLeast) {
    return events.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(atLeast))
        .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
        .toList();
  }

  List<String> lines(Level exactly, String containing) {
    return events.stream()
        .filter(e -> e.getLevel() == exactly && e.getFormattedMessage().contains(containing))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
